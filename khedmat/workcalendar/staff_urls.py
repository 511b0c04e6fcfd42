from django.urls import path

from khedmat.workcalendar import views

app_name = "staff-calendar"
urlpatterns = [path("", views.staff_calendar, name="calendar")]
