from django.urls import path

from khedmat.services.contractor_qualification import views_registry

app_name = "cq-companies"
urlpatterns = [
    path("", views_registry.company_list, name="list"),
    path("<id:organization_id>/", views_registry.company_detail, name="detail"),
]
