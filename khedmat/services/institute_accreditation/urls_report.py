from django.urls import path

from khedmat.services.institute_accreditation import views_report

app_name = "ia-report"
urlpatterns = [
    path("", views_report.report, name="report"),
]
