"""One error shape for every refusal of the API::

    {"error": {"code": "validation_error", "message": "…", "fields": {"email": ["…"]}}}

``code`` is machine-readable and stable; ``message`` is for people, in the request's
language; ``fields`` (only for invalid input) maps each field to its messages.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.views import exception_handler


class ApiError(exceptions.APIException):
    """A refusal with its own code and HTTP status."""

    def __init__(self, message: str, *, code: str, status_code: int = 400, fields=None):
        super().__init__(message, code=code)
        self.status_code = status_code
        self.error_code = code
        self.fields = fields


def _flat(detail) -> dict:
    if isinstance(detail, dict):
        return {
            name: [str(item) for item in (value if isinstance(value, list) else [value])]
            if not isinstance(value, dict)
            else _flat(value)
            for name, value in detail.items()
        }
    return {"non_field_errors": [str(item) for item in detail]}


def error_body(*, code: str, message: str, fields: dict | None = None) -> dict:
    error = {"code": code, "message": message}
    if fields:
        error["fields"] = fields
    return {"error": error}


def error_handler(exc, context):
    if isinstance(exc, ValidationError):  # Django's, from a service
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, ApiError):
        body = error_body(code=exc.error_code, message=str(exc.detail), fields=exc.fields)
    elif isinstance(exc, exceptions.ValidationError):
        body = error_body(
            code="validation_error",
            message=_("The request's data is not valid; see the fields."),
            fields=_flat(exc.detail),
        )
    elif isinstance(exc, exceptions.ParseError):
        body = error_body(code="malformed_json", message=str(exc.detail))
    elif isinstance(exc, exceptions.Throttled):
        body = error_body(
            code="throttled",
            message=_("Too many requests with this token; try again in %(seconds)d s.")
            % {"seconds": exc.wait or 1},
        )
    else:
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else "error"
        body = error_body(code=code, message=str(exc.detail))
    if response.status_code == status.HTTP_401_UNAUTHORIZED:
        response["WWW-Authenticate"] = "Bearer"
    response.data = body
    return response
