from django.urls import path

from khedmat.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("new/", views.start, name="start"),
    path("<uuid:public_id>/", views.detail, name="detail"),
    path("<uuid:public_id>/edit/", views.edit, name="edit"),
    path("<uuid:public_id>/documents/<slug:requirement>/upload/", views.upload, name="upload"),
    path("<uuid:public_id>/documents/versions/<id:version_id>/", views.download, name="download"),
    path("<uuid:public_id>/check/", views.check, name="check"),
    path("<uuid:public_id>/submit/", views.submit, name="submit"),
    path("<uuid:public_id>/receipt/", views.receipt, name="receipt"),
    path("<uuid:public_id>/resubmit/", views.resubmit, name="resubmit"),
    path("<uuid:public_id>/message/", views.message, name="message"),
    path("<uuid:public_id>/note/", views.note, name="note"),
    path("<uuid:public_id>/transition/", views.transition, name="transition"),
    path("<uuid:public_id>/claim/", views.claim, name="claim"),
    path("<uuid:public_id>/assign/", views.assign, name="assign"),
    path("<uuid:public_id>/deficiency/", views.deficiency, name="deficiency"),
]
