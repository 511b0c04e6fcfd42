from django.urls import path

from khedmat.organizations import staff_views

app_name = "staff-organizations"
urlpatterns = [
    path("", staff_views.organization_list, name="list"),
    path("<id:organization_id>/", staff_views.organization_detail, name="detail"),
    path("<id:organization_id>/claim/<slug:action>/", staff_views.claim_decide, name="claim"),
]
