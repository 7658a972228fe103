"""Reads of the service network (no client data)."""

from .models import Organisation


def emergency_phones() -> list[dict]:
    """The social and crisis emergency numbers of the organisations that answer the help
    button, with the municipalities they answer for."""
    return list(
        Organisation.objects.exclude(social_emergency_phone="")
        .exclude(answers_for_municipalities="")
        .order_by("name")
        .values("name", "social_emergency_phone", "answers_for_municipalities")
    )
