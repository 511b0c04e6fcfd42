from django.urls import path

from khedmat.services.institute_accreditation.views import case as views

app_name = "ia"
urlpatterns = [
    path("<uuid:public_id>/binder/", views.binder, name="binder"),
    path("<uuid:public_id>/scan/", views.scan, name="scan"),
    path("<uuid:public_id>/incomplete/", views.incomplete, name="incomplete"),
    path("<uuid:public_id>/register/", views.register, name="register"),
    path("<uuid:public_id>/introduce-ceo/", views.introduce_ceo, name="introduce-ceo"),
    path("<uuid:public_id>/licence/", views.licence, name="licence"),
    path("<uuid:public_id>/supervision/", views.supervision, name="supervision"),
    path("<uuid:public_id>/licence/<str:act>/", views.licence_act, name="licence-act"),
    path("<uuid:public_id>/violation/", views.violation, name="violation"),
]
