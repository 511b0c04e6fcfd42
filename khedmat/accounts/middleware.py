from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from khedmat.core.text import to_persian_digits

SECOND_FACTOR_SESSION_KEY = "khedmat_second_factor_ok"


class StaffSecondFactorMiddleware:
    """Staff sessions are valid only after the second factor.

    Khedmat's own login never signs staff in before the second factor; this guards the other doors
    (the admin's login form, a session created by a management command or a test helper).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and (user.is_staff_member or user.is_staff)
            and not request.session.get(SECOND_FACTOR_SESSION_KEY)
            and not request.path.startswith(("/static/", "/healthz"))
        ):
            logout(request)
            return redirect("accounts:login")
        return self.get_response(request)


LAST_ACTIVITY_SESSION_KEY = "khedmat_last_activity"
# The last-activity stamp is rewritten at most this often, so that every request does not save the session.
_ACTIVITY_WRITE_SECONDS = 60


def idle_timeout_seconds(user) -> int:
    if user.is_staff_member or user.is_staff:
        return settings.STAFF_IDLE_TIMEOUT_SECONDS
    return settings.APPLICANT_IDLE_TIMEOUT_SECONDS


class IdleSessionTimeoutMiddleware:
    """End a signed-in session after a time without requests (staff 30 minutes, applicants longer;
    settings STAFF_IDLE_TIMEOUT_SECONDS and APPLICANT_IDLE_TIMEOUT_SECONDS).

    The last request's time is kept in the session. An idle page asks for a new login with a
    Persian message on the login page and comes back to where the person was (GET only); API calls
    just go on as anonymous (and are refused by their permissions).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(timezone.now().timestamp())
            timeout = idle_timeout_seconds(user)
            last = request.session.get(LAST_ACTIVITY_SESSION_KEY)
            if isinstance(last, int) and now - last > timeout:
                logout(request)
                if request.path.startswith("/api/"):
                    return self.get_response(request)
                messages.info(
                    request,
                    _("You were logged out after %(minutes)s minutes without activity. Please log in again.")
                    % {"minutes": to_persian_digits(max(1, timeout // 60))},
                )
                target = reverse("accounts:login")
                if request.method == "GET":
                    target += "?" + urlencode({"next": request.get_full_path()})
                return redirect(target)
            if not isinstance(last, int) or now - last >= _ACTIVITY_WRITE_SECONDS:
                request.session[LAST_ACTIVITY_SESSION_KEY] = now
        return self.get_response(request)
