"""The front door for client data: the plumbing every use case shares.

A use case (``scheduling/usecases.py``, ``intake/usecases.py``, ``access/usecases.py``,
``reports/usecases.py``) is one function per operation on client data. It takes a
``Caller`` (the user, the request it came with and its channel: page, API, export, feed),
asks ``access.policy``, calls the service and writes the access log. Pages, API,
exports and feeds are thin adapters over the same use cases, so they cannot drift.

Refusals look the same as "no such object": ``NotFound`` (pages 404, API 404) for the
object an operation is about, and the same field error as for an unknown id for an id
named in the input (``FAMILY_UNKNOWN``, ``PERSON_UNKNOWN``...). Every refusal is logged
with the basis ``refused``; nothing is saved.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from perhekeskus.errors import Forbidden, NotFound
from perhekeskus.fields import MAX_ID
from perhekeskus.people.models import Family, Person

from . import policy
from .models import AccessEvent
from .services import access_log, access_refused

# One message for an unknown id and for one the actor may not name: no message tells
# whether an id exists.
FAMILY_UNKNOWN = _("Choose a family you work with; no such family was found.")
PERSON_UNKNOWN = _("Every person must belong to the chosen family.")


__all__ = ["Caller", "Forbidden", "NotFound"]


@dataclass(frozen=True)
class Caller:
    """Who asks, through which door."""

    user: object
    request: object
    channel: str = AccessEvent.Channel.PAGE

    @classmethod
    def page(cls, request) -> Caller:
        return cls(user=request.user, request=request, channel=AccessEvent.Channel.PAGE)

    @classmethod
    def api(cls, request) -> Caller:
        return cls(user=request.user, request=request, channel=AccessEvent.Channel.API)

    @classmethod
    def export(cls, request) -> Caller:
        return cls(user=request.user, request=request, channel=AccessEvent.Channel.EXPORT)


def as_id(value) -> int | None:
    """A whole-number id the database can hold, or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 < value <= MAX_ID else None
    text = str(value or "").strip()
    if text.isdecimal() and len(text) <= 19 and 0 < int(text) <= MAX_ID:
        return int(text)
    return None


def log(caller: Caller, action: str, object_type: str, rows: Iterable[tuple[int, int | None]], basis: str) -> int:
    """Record the client data shown or changed: (object id, family id) pairs."""
    rows = [(pk, fid) for pk, fid in rows if fid is not None]
    if not rows:
        return 0
    return access_log(
        request=caller.request,
        action=action,
        object_type=object_type,
        objects=rows,
        basis=basis,
        channel=caller.channel,
    )


def refuse(caller: Caller, object_type: str, object_id, family_id: int | None = None) -> NotFound:
    """Log a refused attempt and give the exception to raise."""
    access_refused(
        request=caller.request,
        object_type=object_type,
        object_id=object_id,
        family_id=family_id,
        channel=caller.channel,
    )
    return NotFound()


def refuse_family(caller: Caller, family_id) -> NotFound:
    """Log a refused attempt to name a family by id (the family's own id in the log when
    it exists, so that its access report shows the attempt)."""
    pk = as_id(family_id)
    exists = pk is not None and Family.objects.filter(pk=pk).exists()
    return refuse(caller, "family", pk if pk is not None else family_id, pk if exists else None)


def family_to_read(caller: Caller, family_id) -> tuple[Family, str]:
    """The family and the basis on which the caller reaches it; NotFound (logged) when
    there is no such family or the caller may not reach it."""
    pk = as_id(family_id)
    family = Family.objects.filter(pk=pk).first() if pk else None
    basis = policy.family_access_basis(caller.user, family.pk) if family else None
    if family is None or basis is None:
        raise refuse(caller, "family", family_id, family.pk if family else None)
    return family, basis


def family_to_write(caller: Caller, family_id, *, field: str = "family", basis_fn=None) -> Family | None:
    """The family named in a write, when the caller may name it
    (``policy.family_write_basis``); None when none is named. Otherwise a field error,
    the same for an unknown id, and the attempt logged ``refused``."""
    if family_id in (None, ""):
        return None
    if isinstance(family_id, Family):
        family_id = family_id.pk
    pk = as_id(family_id)
    family = Family.objects.filter(pk=pk).first() if pk else None
    basis_fn = basis_fn or policy.family_write_basis
    if family is None or basis_fn(caller.user, family.pk) is None:
        if pk is not None:
            refuse(caller, "family", pk, family.pk if family else None)
        raise ValidationError({field: [FAMILY_UNKNOWN]}, code="unknown")
    return family


def persons_to_write(caller: Caller, family: Family | None, person_ids: Sequence, *, field: str = "persons") -> list:
    """Persons named in a write: members of the named family (which the caller reaches).
    Any other id, existing or not, gives the same error; nothing about other families is
    told."""
    if not person_ids:
        return []
    ids = [p.pk if isinstance(p, Person) else as_id(p) for p in person_ids]
    if family is None or any(i is None for i in ids):
        raise ValidationError({field: [PERSON_UNKNOWN]}, code="unknown")
    members = {p.pk: p for p in Person.objects.filter(memberships__family=family, pk__in=ids)}
    if len(members) != len(set(ids)):
        raise ValidationError({field: [PERSON_UNKNOWN]}, code="unknown")
    return [members[i] for i in dict.fromkeys(ids)]
