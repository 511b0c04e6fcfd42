from django.urls import path, re_path

from khedmat.services.contractor_qualification.views import case as views

SECTION = r"(?P<public_id>[0-9a-f-]{36})/(?P<section>people|experience|finance)/"

app_name = "cq"
urlpatterns = [
    re_path(rf"^{SECTION}$", views.section, name="section"),
    re_path(rf"^{SECTION}(?P<pk>[0-9]{{1,19}})/remove/$", views.section_remove, name="section-remove"),
    path("<uuid:public_id>/review/", views.review, name="review"),
    path("<uuid:public_id>/reviews/", views.reviews, name="reviews"),
    path("<uuid:public_id>/relevance/", views.relevance, name="relevance"),
    path("<uuid:public_id>/deficiencies/", views.deficiencies, name="deficiencies"),
    path("<uuid:public_id>/approve/", views.approve, name="approve"),
]
