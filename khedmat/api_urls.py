"""The REST API: /api/… with its OpenAPI schema and a documentation page served from local assets
to signed-in staff."""
from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from khedmat.accounts.decorators import staff_page
from khedmat.cases import api as cases_api

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The Swagger page is for developers: staff only (docs/architecture.md), and outside the public pages' axe budget.
    path("docs/", staff_page(SpectacularSwaggerSplitView.as_view(url_name="api-schema")), name="api-docs"),
    path("cases/", cases_api.CaseListCreateApi.as_view(), name="api-cases"),
    path("cases/<uuid:public_id>/", cases_api.CaseDetailApi.as_view(), name="api-case"),
    path("cases/<uuid:public_id>/events/", cases_api.CaseEventsApi.as_view(), name="api-case-events"),
    path("cases/<uuid:public_id>/documents/", cases_api.CaseDocumentsApi.as_view(), name="api-case-documents"),
    path("cases/<uuid:public_id>/abilities/", cases_api.CaseAbilitiesApi.as_view(), name="api-case-abilities"),
    path("cases/<uuid:public_id>/transitions/", cases_api.CaseTransitionApi.as_view(), name="api-case-transitions"),
    path("queue/", cases_api.QueueApi.as_view(), name="api-queue"),
]
