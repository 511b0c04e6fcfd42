from django.urls import path

from khedmat.appointments import views

app_name = "appointments"
urlpatterns = [
    path("staff/", views.staff_list, name="staff-list"),
    path("cases/<uuid:case_id>/propose/<slug:kind>/", views.propose, name="propose"),
    path("<uuid:public_id>/", views.detail, name="detail"),
    path("<uuid:public_id>/accept/", views.accept, name="accept"),
    path("<uuid:public_id>/another-time/", views.reschedule_request, name="reschedule-request"),
    path("<uuid:public_id>/staff/", views.staff_detail, name="staff-detail"),
    path("<uuid:public_id>/staff/reschedule/", views.reschedule, name="reschedule"),
    path("<uuid:public_id>/staff/cancel/", views.cancel, name="cancel"),
    path("<uuid:public_id>/staff/missed/", views.missed, name="missed"),
    path("<uuid:public_id>/staff/report/", views.report, name="report"),
    path("<uuid:public_id>/staff/report/correct/", views.report_correct, name="report-correct"),
    path("<uuid:public_id>/staff/photos/<id:photo_id>/", views.photo, name="photo"),
]
