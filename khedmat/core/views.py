from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.db import connection
from django.http import Http404, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from khedmat.core.desk import desk_cards
from khedmat.core.exceptions import ApplicationError


def attempt(request, action, success: str = "") -> bool:
    """Run a service call for a POST; a refusal becomes a Persian message and changes nothing."""
    try:
        action()
    except ApplicationError as error:
        messages.error(request, error.message)
        return False
    if success:
        messages.success(request, success)
    return True


def home(request):
    return render(request, "core/home.html")


@never_cache
def healthz(request):
    """200 when the database answers; 503 otherwise (for the load balancer and monitoring)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure means "not healthy"
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


API_ERROR_MESSAGES = {
    400: (gettext_lazy("The request could not be understood."), "bad_request"),
    403: (gettext_lazy("You may not do this."), "permission_denied"),
    404: (gettext_lazy("Not found."), "not_found"),
    429: (gettext_lazy("Too many requests. Please wait a few minutes and try again."), "throttled"),
    500: (gettext_lazy("The system could not complete your request. Nothing was changed."), "server_error"),
}


def _api_error(request, status: int) -> JsonResponse | None:
    """Addresses under /api/ answer errors in the API's JSON shape, in Persian, not with a page."""
    if not request.path.startswith("/api/"):
        return None
    message, code = API_ERROR_MESSAGES[status]
    return JsonResponse({"message": str(message), "code": code, "extra": {}}, status=status,
                        json_dumps_params={"ensure_ascii": False})


def _error_page(request, template: str, status: int, context: dict | None = None):
    return _api_error(request, status) or render(request, template, context or {}, status=status)


def error_400(request, exception=None):
    return _error_page(request, "errors/400.html", 400)


def error_403(request, exception=None):
    return _error_page(request, "errors/403.html", 403)


def error_404(request, exception=None):
    return _error_page(request, "errors/404.html", 404)


def error_429(request, message: str = ""):
    """The page for a request refused by a rate limit (no Django handler exists for 429: call it)."""
    return _error_page(request, "errors/429.html", 429, {"message": message})


def error_500(request):
    """The layout's page; if the layout itself fails (its context needs the database), a bare page."""
    api = _api_error(request, 500)
    if api is not None:
        return api
    try:
        return render(request, "errors/500.html", status=500)
    except Exception:  # noqa: BLE001 - the error page must not fail in turn
        return HttpResponseServerError(render_to_string("errors/500_bare.html"))


def csrf_failure(request, reason=""):
    return render(request, "errors/csrf.html", status=403)


def staff_home(request):
    """The staff desk: the pages of the person's roles (`core.desk`), each one they may open."""
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not user.is_staff_member:
        raise Http404
    return render(request, "core/staff_home.html", {"cards": desk_cards(user)})
