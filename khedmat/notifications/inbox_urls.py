"""The in-app inbox, mounted at /notifications/ by the root URLconf."""
from django.urls import path

from khedmat.notifications import views

app_name = "inbox"
urlpatterns = [
    path("", views.inbox, name="list"),
    path("<id:message_id>/read/", views.mark_read, name="mark-read"),
    path("read-all/", views.mark_all_read, name="mark-all-read"),
]
