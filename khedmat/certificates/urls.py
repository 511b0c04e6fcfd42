from django.urls import path

from khedmat.certificates import views

app_name = "verify"
urlpatterns = [
    path("", views.verify, name="form"),
    path("keys.json", views.public_keys_json, name="keys"),
    path("json/", views.verify_json, name="json-by-code"),
    path("<uuid:public_id>/", views.verify_document, name="document"),
    path("<uuid:public_id>/json/", views.verify_json, name="json"),
]
