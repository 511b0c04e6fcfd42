from django.urls import path

from khedmat.payments import views

app_name = "payments"
urlpatterns = [
    path("cases/<uuid:case_id>/invoice/", views.invoice_open, name="invoice-open"),
    path("invoices/<uuid:public_id>/", views.invoice_detail, name="invoice"),
    path("invoices/<uuid:public_id>/pay/", views.pay, name="pay"),
    path("callback/", views.callback, name="callback"),
]
