from django.urls import path

from khedmat.services.contractor_qualification import views_report

app_name = "cq-report"
urlpatterns = [
    path("", views_report.report, name="report"),
    path("export.xlsx", views_report.export_xlsx, name="export"),
]
