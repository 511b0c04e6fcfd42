from django.urls import path

from khedmat.services.contractor_qualification.views import company as views

app_name = "cq-companies"
urlpatterns = [
    path("", views.company_list, name="list"),
    path("<id:organization_id>/", views.company_detail, name="detail"),
]
