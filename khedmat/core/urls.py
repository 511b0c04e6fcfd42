from django.urls import path

from khedmat.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("staff/", views.staff_home, name="staff-home"),
]
