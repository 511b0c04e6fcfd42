from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render


def staff_admits(user, roles: tuple[str, ...] = (), service_code: str | None = None) -> bool:
    """The staff pages' rule: a signed-in staff member, holding one of `roles` (in `service_code` when
    given) if any are named; a superuser passes the role check."""
    if not (user.is_authenticated and user.is_staff_member):
        return False
    return not roles or user.is_superuser or user.has_role(*roles, service_code=service_code)


def staff_required(*roles: str, service_code: str | None = None):
    """Signed-in staff member (optionally with one of `roles`, held for `service_code` when given: a
    service's own pages); others get a plain 404. The view records the rule as `view.admits(user)`, which
    the staff desk reads (`core.desk`) so it links only pages the person may open."""

    def admits(user) -> bool:
        return staff_admits(user, roles, service_code)

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not admits(request.user):
                raise Http404
            return view(request, *args, **kwargs)

        wrapper.admits = admits
        guarded = login_required(wrapper)
        guarded.admits = admits
        return guarded

    return decorator


def staff_page(view):
    """A page for staff only that is no secret (the API documentation): anonymous visitors are sent to log in,
    signed-in people without a staff role get the Persian 403 page (an HTML page, even under /api/)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_staff_member:
            return render(request, "errors/403.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper
