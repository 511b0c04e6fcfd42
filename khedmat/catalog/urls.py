from django.urls import path

from khedmat.catalog import views

app_name = "catalog"
urlpatterns = [
    path("", views.service_list, name="list"),
    path("<slug:code>/", views.service_detail, name="detail"),
    path("<slug:code>/versions/<id:version>/", views.service_detail, name="version"),
]
