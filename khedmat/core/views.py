from django.contrib import messages
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache


def attempt(request, action, success: str = "") -> bool:
    """Run a service call for a POST; a refusal becomes a Persian message and changes nothing."""
    from khedmat.core.exceptions import ApplicationError

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


def error_400(request, exception=None):
    return render(request, "errors/400.html", status=400)


def error_403(request, exception=None):
    return render(request, "errors/403.html", status=403)


def error_404(request, exception=None):
    return render(request, "errors/404.html", status=404)


def error_500(request):
    return render(request, "errors/500.html", status=500)


def csrf_failure(request, reason=""):
    return render(request, "errors/csrf.html", status=403)


def staff_home(request):
    """The staff desk: what a staff member of a province can open (queues arrive with the case engine)."""
    from django.http import Http404

    user = request.user
    if not user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    if not user.is_staff_member:
        raise Http404
    return render(request, "core/staff_home.html", {"roles": sorted(user.role_set)})
