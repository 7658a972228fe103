"""Errors every layer raises and every adapter answers the same way (perhekeskus.api
for the API; pages turn them into 404 and 403). This module imports nothing of the apps:
it sits below all of them."""

from django.core.exceptions import ValidationError


class NotFound(Exception):  # noqa: N818 (it names the answer, as Http404 does)
    """The object does not exist, or the caller may not reach it: the same answer (404)."""


class Forbidden(Exception):  # noqa: N818
    """The caller's role does not allow the operation at all, whatever the object (403)."""


class Conflict(ValidationError):
    """The request is valid but collides with what is already there (409): a booking
    conflict."""
