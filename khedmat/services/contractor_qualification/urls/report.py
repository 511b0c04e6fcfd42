from django.urls import path

from khedmat.services.contractor_qualification.views import report as views

app_name = "cq-report"
urlpatterns = [
    path("", views.report, name="report"),
    path("export.xlsx", views.export_xlsx, name="export"),
]
