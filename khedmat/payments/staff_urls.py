from django.urls import path

from khedmat.payments import views

app_name = "finance"
urlpatterns = [
    path("", views.finance_list, name="list"),
    path("reconciliation/", views.reconciliation, name="reconciliation"),
    path("callbacks/", views.refused_callbacks, name="refused-callbacks"),
    path("export.xlsx", views.export_xlsx, name="export"),
]
