from django.urls import path

from khedmat.cases import views

app_name = "staff-cases"
urlpatterns = [
    path("queue/", views.queue, name="queue"),
    path("processes/", views.process_list, name="processes"),
    path("processes/<slug:code>/", views.process_detail, name="process"),
]
