from django.urls import path

from khedmat.services.contractor_qualification.views import referrals as views

app_name = "cq-referrals"
urlpatterns = [
    path("", views.referral_list, name="list"),
    path("<uuid:case_id>/", views.referral_detail, name="detail"),
    path("<uuid:case_id>/export.json", views.referral_export, name="export"),
    path("<uuid:case_id>/sent/", views.referral_mark_sent, name="mark-sent"),
    path("<uuid:case_id>/acknowledge/", views.referral_acknowledge, name="acknowledge"),
]
