"""The address in documents' QR codes, ``/V/<compact code>`` (ADR 0018): short, in capitals, alphanumeric QR."""
from django.urls import path

from khedmat.certificates import views

app_name = "verify_qr"
urlpatterns = [
    path("<str:code>", views.verify_compact, name="document"),
]
