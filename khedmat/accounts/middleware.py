from django.contrib.auth import logout
from django.shortcuts import redirect

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
