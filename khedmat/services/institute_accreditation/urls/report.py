from django.urls import path

from khedmat.services.institute_accreditation.views import report as views

app_name = "ia-report"
urlpatterns = [
    path("", views.report, name="report"),
]
