from django.urls import path

from khedmat.workcalendar import views

app_name = "workcalendar"
urlpatterns = [path("", views.public_calendar, name="public")]
