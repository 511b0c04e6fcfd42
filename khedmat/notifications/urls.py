"""Development pages, mounted at /dev/ (the inbox lives in inbox_urls, at /notifications/)."""
from django.urls import path

from khedmat.notifications import views

app_name = "notifications"
urlpatterns = [path("outbox/", views.dev_outbox, name="dev-outbox")]
