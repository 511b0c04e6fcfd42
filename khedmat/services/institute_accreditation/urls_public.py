from django.urls import path

from khedmat.services.institute_accreditation import views_public

app_name = "ia-public"
urlpatterns = [
    path("", views_public.licensed_list, name="list"),
]
