from django.urls import path

from khedmat.services.contractor_qualification import views_registry

app_name = "cq-registry"
urlpatterns = [
    path("", views_registry.registry, name="search"),
]
