from django.urls import path

from khedmat.services.contractor_qualification import views_referrals

app_name = "cq-referrals"
urlpatterns = [
    path("", views_referrals.referral_list, name="list"),
    path("<uuid:case_id>/", views_referrals.referral_detail, name="detail"),
    path("<uuid:case_id>/export.json", views_referrals.referral_export, name="export"),
    path("<uuid:case_id>/sent/", views_referrals.referral_mark_sent, name="mark-sent"),
    path("<uuid:case_id>/acknowledge/", views_referrals.referral_acknowledge, name="acknowledge"),
]
