from django.urls import path

from khedmat.inquiries import views

app_name = "inquiries"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("cases/<uuid:case_id>/new/", views.inquiry_new, name="new"),
    path("cases/<uuid:case_id>/social-security/", views.social_security, name="social-security"),
    path("<id:inquiry_id>/answer/", views.answer, name="answer"),
]
