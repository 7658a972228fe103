"""Shared API plumbing: pagination and turning service errors into HTTP 400/409."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class Pagination(LimitOffsetPagination):
    default_limit = 100
    max_limit = 1000


def validation_error_payload(exc: DjangoValidationError) -> dict:
    if hasattr(exc, "error_dict"):
        return {field: [str(m) for e in errors for m in e.messages] for field, errors in exc.error_dict.items()}
    return {"non_field_errors": [str(m) for m in exc.messages]}


def exception_handler(exc, context):
    """Service functions raise Django's ValidationError; answer 400 with field errors, or
    409 when the time is already booked."""
    if isinstance(exc, DjangoValidationError):
        from perhekeskus.scheduling.services import BookingConflict

        code = status.HTTP_409_CONFLICT if isinstance(exc, BookingConflict) else status.HTTP_400_BAD_REQUEST
        return Response(validation_error_payload(exc), status=code)
    return drf_exception_handler(exc, context)
