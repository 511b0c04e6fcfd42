from django.urls import path

from khedmat.certificates import views

app_name = "staff-documents"
urlpatterns = [
    path("", views.staff_list, name="list"),
    path("issue/<uuid:case_id>/", views.staff_issue, name="issue"),
    path("<uuid:public_id>/", views.staff_detail, name="detail"),
    path("<uuid:public_id>/<slug:action>/", views.staff_action, name="action"),
]
