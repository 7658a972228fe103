"""Pages show a service's ValidationError in the user's language: as messages, or on the form
that was sent."""

from django.contrib import messages
from django.core.exceptions import ValidationError

from perhekeskus.api import validation_error_payload


def flash_errors(request, exc: ValidationError) -> None:
    for field_messages in validation_error_payload(exc).values():
        for message in field_messages:
            messages.error(request, message)


def form_errors(form, exc: ValidationError, field_map: dict[str, str] | None = None) -> None:
    """A service's errors on the form: each on its field (a service's field name mapped to
    the form's by ``field_map``), the rest above the form."""
    for field, field_messages in validation_error_payload(exc).items():
        name = (field_map or {}).get(field, field)
        form.add_error(name if name in form.fields else None, field_messages)
