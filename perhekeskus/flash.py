"""Pages show a service's ValidationError as messages, in the user's language."""

from django.contrib import messages
from django.core.exceptions import ValidationError

from perhekeskus.api import validation_error_payload


def flash_errors(request, exc: ValidationError) -> None:
    for field_messages in validation_error_payload(exc).values():
        for message in field_messages:
            messages.error(request, message)
