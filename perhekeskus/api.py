"""Shared API plumbing: pagination, strict query parameters, and one error shape.

Every 400 and 409 answer is {"field": ["message", ...]} (non_field_errors for the
whole request), in the user's language; 401, 403 and 404 are {"detail": "message"}."""

import datetime as dt

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter
from rest_framework.views import exception_handler as drf_exception_handler

from perhekeskus.errors import Conflict, Forbidden, NotFound

MAX_ID = 2**63 - 1
EARLIEST, LATEST = dt.datetime(1900, 1, 1, tzinfo=dt.UTC), dt.datetime(2200, 1, 1, tzinfo=dt.UTC)


def int_param(request, name: str, *, minimum: int = 0, maximum: int = MAX_ID) -> int | None:
    """A whole-number query parameter, or None when absent; 400 when malformed."""
    raw = request.query_params.get(name)
    if raw is None:
        return None
    try:
        value = int(raw)
    except ValueError:
        raise exceptions.ValidationError({name: [_("Enter a whole number.")]}) from None
    if not minimum <= value <= maximum:
        raise exceptions.ValidationError(
            {name: [_("Enter a number between %(min)d and %(max)d.") % {"min": minimum, "max": maximum}]}
        )
    return value


def datetime_param(request, name: str, default_tz) -> dt.datetime | None:
    """An ISO date or date-time query parameter (a date means its local midnight)."""
    raw = request.query_params.get(name)
    if raw is None:
        return None
    try:
        value = parse_datetime(raw)
        if value is None and (day := parse_date(raw)) is not None:
            value = dt.datetime.combine(day, dt.time(0))
    except ValueError:
        value = None
    if value is None:
        raise exceptions.ValidationError({name: [_("Enter a valid date or date and time.")]})
    if timezone.is_naive(value):
        value = value.replace(tzinfo=default_tz)
    if not EARLIEST <= value <= LATEST:
        raise exceptions.ValidationError({name: [_("Enter a date between 1900 and 2200.")]})
    # in UTC: PostgreSQL takes offsets only up to 15:59, ISO 8601 allows any ("-22:51"
    # answered 500 there; the schema fuzzer found it)
    return value.astimezone(dt.UTC)


class Router(DefaultRouter):
    """Ids in API paths are whole numbers the database can hold (up to 18 digits); any
    other path segment is simply not found, before a query is made."""

    def get_lookup_regex(self, viewset, lookup_prefix=""):
        if not hasattr(viewset, "lookup_value_regex"):
            viewset.lookup_value_regex = r"[0-9]{1,18}"
        return super().get_lookup_regex(viewset, lookup_prefix)


class Pagination(LimitOffsetPagination):
    """limit/offset paging that refuses malformed values instead of ignoring them."""

    default_limit = 100
    max_limit = 1000

    def get_limit(self, request):
        value = int_param(request, self.limit_query_param, minimum=1, maximum=self.max_limit)
        return self.default_limit if value is None else value

    def get_offset(self, request):
        return int_param(request, self.offset_query_param) or 0


def validation_error_payload(exc: DjangoValidationError) -> dict:
    if hasattr(exc, "error_dict"):
        return {field: [str(m) for e in errors for m in e.messages] for field, errors in exc.error_dict.items()}
    return {"non_field_errors": [str(m) for m in exc.messages]}


def _messages(value, prefix: str = "") -> list[str]:
    """Flatten DRF's nested errors ({"0": [...]} for list items) into plain messages."""
    if isinstance(value, dict):
        return [m for key, inner in value.items() for m in _messages(inner, f"{prefix}{key}: ")]
    if isinstance(value, list):
        return [m for inner in value for m in _messages(inner, prefix)]
    return [f"{prefix}{value}"]


def exception_handler(exc, context):
    """Service errors (Django's ValidationError) answer 400 with field errors, or 409 when
    the time is already booked; DRF's own 400s are brought to the same shape."""
    if isinstance(exc, DjangoValidationError):
        code = status.HTTP_409_CONFLICT if isinstance(exc, Conflict) else status.HTTP_400_BAD_REQUEST
        return Response(validation_error_payload(exc), status=code)
    if isinstance(exc, NotFound):
        exc = exceptions.NotFound()
    elif isinstance(exc, Forbidden | DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is not None and response.status_code == status.HTTP_400_BAD_REQUEST:
        data = response.data
        if isinstance(data, dict) and set(data) != {"detail"}:
            response.data = {field: _messages(value) for field, value in data.items()}
        else:
            response.data = {"non_field_errors": _messages(data.get("detail") if isinstance(data, dict) else data)}
    return response


def not_found(request, exception=None):
    """404 for URLs no view matched: JSON under /api/, the page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    from django.views.defaults import page_not_found

    return page_not_found(request, exception)
