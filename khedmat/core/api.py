"""REST framework plumbing shared by every app's API: one error shape, in Persian.

Every refusal is {"message": …, "code": …, "extra": {…}}. DRF's own texts come from its catalogue, which
is incomplete and leaks English ("JSON parse error - Expecting value…", "slug", "list", HTTP method
names): each message is checked, and one that is not plain Persian is replaced by ours for its code (the
original is logged). Identifiers in the API are codes (:class:`CodeField`), not "slugs".
"""
import logging
import re

from django.core.exceptions import PermissionDenied
from django.core.validators import RegexValidator
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, serializers, status
from rest_framework.exceptions import ErrorDetail
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from khedmat.core.exceptions import ApplicationError
from khedmat.core.text import to_persian_digits

logger = logging.getLogger(__name__)
LATIN = re.compile(r"[A-Za-z]")


class CodeField(serializers.CharField):
    """A code from a published list (a service, a document requirement): Latin letters, digits, _ and -."""

    default_error_messages = {"invalid": gettext_lazy("Enter one of the published codes (Latin letters, digits, _ or "
                                                      "-).")}

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 60)
        super().__init__(**kwargs)
        self.validators.append(RegexValidator(r"^[-a-zA-Z0-9_]+\Z", message=self.error_messages["invalid"],
                                              code="invalid"))


# Our Persian text for DRF's error codes, used when DRF's own text is not plain Persian.
FIELD_MESSAGES = {
    "required": gettext_lazy("This field is required."),
    "null": gettext_lazy("This field may not be empty."),
    "blank": gettext_lazy("This field may not be blank."),
    "invalid": gettext_lazy("This value is not valid."),
    "not_a_list": gettext_lazy("A list of values is expected here."),
    "empty": gettext_lazy("At least one value is needed here."),
    "invalid_choice": gettext_lazy("Choose one of the allowed values."),
    "max_length": gettext_lazy("This value is too long."),
    "min_length": gettext_lazy("This value is too short."),
    "max_value": gettext_lazy("This number is too large."),
    "min_value": gettext_lazy("This number is too small."),
    "max_string_length": gettext_lazy("This number is too large."),
    "no_name": gettext_lazy("The file has no name."),
    "empty_file": gettext_lazy("The file is empty."),
    "not_a_dict": gettext_lazy("The request body must be a JSON object."),
}
NON_FIELD_INVALID = gettext_lazy("The request body must be a JSON object with the documented fields.")
REQUEST_MESSAGES = {
    "parse_error": gettext_lazy("The request body is not valid JSON."),
    "authentication_failed": gettext_lazy("Your sign-in could not be checked; sign in again."),
    "not_authenticated": gettext_lazy("Sign in first."),
    "permission_denied": gettext_lazy("You may not do this."),
    "not_found": gettext_lazy("Not found."),
    "method_not_allowed": gettext_lazy("This action is not possible at this address."),
    "not_acceptable": gettext_lazy("This address answers in JSON only."),
    "unsupported_media_type": gettext_lazy("Send the request body as JSON (or as a form, for uploads)."),
    "throttled": gettext_lazy("Too many requests. Please wait a few minutes and try again."),
}

CSRF_MESSAGE = gettext_lazy("The page's security token is missing or has expired; reload the page and try again.")


def _plain_persian(text: str) -> bool:
    return bool(text) and not LATIN.search(text)


def _field_message(detail, *, key: str = "") -> str:
    text, code = str(detail), getattr(detail, "code", "") or "invalid"
    if _plain_persian(text) and code not in {"null"}:  # DRF's "null" text is misspelt in its catalogue
        return to_persian_digits(text)
    if code == "invalid" and key == "non_field_errors":
        replacement = NON_FIELD_INVALID
    else:
        replacement = FIELD_MESSAGES.get(code, FIELD_MESSAGES["invalid"])
    if text and code not in FIELD_MESSAGES:
        logger.info("API field message replaced (%s): %s", code, text)
    return str(replacement)


def _persian_fields(data, key: str = ""):
    """DRF's nested field errors (dicts, lists, ErrorDetail) with every message in Persian."""
    if isinstance(data, dict):
        return {name: _persian_fields(value, str(name)) for name, value in data.items()}
    if isinstance(data, list):
        return [_persian_fields(item, key) for item in data]
    return _field_message(data if isinstance(data, ErrorDetail) else ErrorDetail(str(data)), key=key)


def _request_message(exc, detail) -> str:
    code = getattr(exc, "default_code", "error")
    text = str(detail)
    if code == "permission_denied" and text.startswith("CSRF Failed"):
        logger.info("API request refused: %s", text)
        return str(CSRF_MESSAGE)
    if code in {"parse_error", "method_not_allowed", "unsupported_media_type", "throttled"} or not _plain_persian(text):
        if code == "parse_error":
            logger.info("API request refused: %s", text)  # the parser's own words, for the log only
        text = str(REQUEST_MESSAGES.get(code, _("The request could not be handled.")))
    return to_persian_digits(text)


def exception_handler(exc, context):
    """Render every refusal as {"message": …, "extra": {…}} with Persian text; never a 500 for rules."""
    if isinstance(exc, ApplicationError):
        return Response({"message": str(exc.message), "code": exc.code, "extra": exc.extra},
                        status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found."))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {"message": _("The request has invalid fields."), "code": "invalid",
                         "extra": {"fields": _persian_fields(response.data)}}
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else response.data
        extra = {}
        if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
            extra["wait_seconds"] = int(exc.wait)
        response.data = {"message": _request_message(exc, detail), "code": getattr(exc, "default_code", "error"),
                         "extra": extra}
    return response
