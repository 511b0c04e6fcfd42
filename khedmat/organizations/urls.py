from django.urls import path

from khedmat.organizations import views

app_name = "organizations"
urlpatterns = [
    path("new/", views.organization_register, name="register"),
    path("act-as/", views.act_as, name="act-as"),
    path("<id:organization_id>/", views.organization_detail, name="detail"),
    path("<id:organization_id>/members/<id:membership_id>/remove/", views.member_remove, name="member-remove"),
]
