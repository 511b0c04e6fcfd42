from django.urls import path

from khedmat.services.contractor_qualification.views import registry as views

app_name = "cq-registry"
urlpatterns = [
    path("", views.registry, name="search"),
]
