from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404


def staff_required(*roles: str, service_code: str | None = None):
    """Signed-in staff member (optionally with one of `roles`, held for `service_code` when given: a
    service's own pages); others get a plain 404."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_staff_member or (roles and not (user.is_superuser or user.has_role(*roles, service_code=service_code))):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def staff_page(view):
    """A page for staff only that is no secret (the API documentation): anonymous visitors are sent to log in,
    signed-in people without a staff role get the Persian 403 page (an HTML page, even under /api/)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_staff_member:
            from django.shortcuts import render

            return render(request, "errors/403.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper
