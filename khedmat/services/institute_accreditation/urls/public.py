from django.urls import path

from khedmat.services.institute_accreditation.views import public as views

app_name = "ia-public"
urlpatterns = [
    path("", views.licensed_list, name="list"),
]
