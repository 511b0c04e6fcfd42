"""REST framework plumbing shared by every app's API: one error shape, in Persian."""
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from khedmat.core.exceptions import ApplicationError


def exception_handler(exc, context):
    """Render every refusal as {"message": …, "extra": {…}} with Persian text; never a 500 for rules."""
    if isinstance(exc, ApplicationError):
        return Response({"message": str(exc.message), "code": exc.code, "extra": exc.extra}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found."))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {"message": _("The request has invalid fields."), "code": "invalid", "extra": {"fields": response.data}}
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else response.data
        response.data = {"message": str(detail), "code": getattr(exc, "default_code", "error"), "extra": {}}
    return response
