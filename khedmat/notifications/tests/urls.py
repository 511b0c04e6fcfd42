"""The project's URLconf plus the inbox, for tests, until the root URLconf mounts it."""
from django.urls import include, path

from khedmat.urls import handler400, handler403, handler404, handler500  # noqa: F401
from khedmat.urls import urlpatterns as _project

urlpatterns = list(_project)
if not any(getattr(pattern, "namespace", None) == "inbox" for pattern in urlpatterns):
    urlpatterns.append(path("notifications/", include("khedmat.notifications.inbox_urls")))
