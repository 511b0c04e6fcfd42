from django.urls import path

from khedmat.certificates import views

app_name = "documents"
urlpatterns = [path("<uuid:public_id>/pdf/", views.download, name="pdf")]
