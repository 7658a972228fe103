"""Writing the access log. Called by the views, API and exports that show or change
client data; one INSERT per request whatever the number of objects."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from perhekeskus.people.models import Membership, Person
from perhekeskus.people.roles import role_assign

from . import policy
from .models import AccessEvent, ApiToken, BreakGlass, BreakGlassReview, Consent, ConsentWithdrawal
from .tokens import digest, new_secret


def _client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def access_log(
    *,
    request,
    action: str,
    object_type: str,
    objects: Iterable[tuple[int, int | None]],
    basis: str,
    channel: str = AccessEvent.Channel.PAGE,
) -> int:
    """Record that ``request.user`` accessed these objects: (object id, family id) pairs.
    The path is recorded without its query string (which may hold search words)."""
    user = request.user
    unique = list(dict.fromkeys(objects))  # each object once, in order
    if not unique:
        return 0
    ops = connection.ops
    head = (
        ops.adapt_datetimefield_value(timezone.now()),
        user.pk if user.is_authenticated else None,
        user.get_username() if user.is_authenticated else "",
        action,
        object_type,
    )
    tail = (basis, channel, request.path[:200], ops.adapt_ipaddressfield_value(_client_ip(request)))
    # One statement executed for every row (executemany) in one transaction: a day view
    # of the whole region lists hundreds of appointments, and building model instances
    # and committing batch by batch cost more than the page itself.
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.executemany(_INSERT_SQL, [(*head, object_id, family_id, *tail) for object_id, family_id in unique])
    return len(unique)


_COLUMNS = (
    "at",
    "user_id",
    "username",
    "action",
    "object_type",
    "object_id",
    "family_id",
    "basis",
    "channel",
    "path",
    "ip",
)
# Built from the model's own metadata, never from input.
_INSERT_SQL = "INSERT INTO {table} ({columns}) VALUES ({values})".format(  # noqa: S608
    table=connection.ops.quote_name(AccessEvent._meta.db_table),
    columns=", ".join(connection.ops.quote_name(AccessEvent._meta.get_field(n).column) for n in _COLUMNS),
    values=", ".join(["%s"] * len(_COLUMNS)),
)


REFUSED = "refused"


def access_refused(
    *, request, object_type: str, object_id, family_id: int | None = None, channel: str = AccessEvent.Channel.PAGE
) -> None:
    """Record an attempt to reach client data without a basis (answered 404): such
    attempts are what a data-protection officer looks for."""
    try:
        object_id = int(object_id)
    except (TypeError, ValueError):
        return
    if not 0 <= object_id < 2**63:
        return
    access_log(
        request=request,
        action=AccessEvent.Action.VIEW,
        object_type=object_type,
        objects=[(object_id, family_id)],
        basis=REFUSED,
        channel=channel,
    )


# --- consents -------------------------------------------------------------------------


def _age_on(birth_date, day) -> int | None:
    if birth_date is None:
        return None
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def _require_consent_recorder(actor, person) -> None:
    if actor is None:
        return  # a system job (the demo generator), never a request
    family_ids = Membership.objects.filter(person=person).values_list("family_id", flat=True)
    if not any(policy.may_record_consent(actor, policy.family_access_basis(actor, f)) for f in family_ids):
        raise PermissionDenied


def consent_record(
    *, actor, person, given_by, source_service=None, target_service=None, valid_from=None, valid_until=None
):
    """Record a person's consent to disclose their data from one service (or any) to
    another (or any). A child under CONSENT_OWN_AGE is represented by a guardian of a
    family the child belongs to; from that age the consent must be the person's own.
    The actor must be one who records consents for a family of the person
    (``policy.may_record_consent``), asked again here after the page asked."""
    _require_consent_recorder(actor, person)
    today = timezone.localdate()
    valid_from = valid_from or today
    errors: dict[str, list[str]] = {}
    if valid_until is not None and valid_until < valid_from:
        errors["valid_until"] = [_("The end of the validity is before its start.")]
    if valid_from > today + dt.timedelta(days=366) or valid_from.year < 1900:
        errors["valid_from"] = [_("Give a start date within the next year.")]
    if source_service is not None and target_service is not None and source_service.pk == target_service.pk:
        errors["target_service"] = [_("Within one service data is shown without consent.")]
    age = _age_on(person.birth_date, today)
    child = (
        age < settings.CONSENT_OWN_AGE
        if age is not None
        else Membership.objects.filter(person=person, role=Person.Role.CHILD).exists()
    )
    if child:
        guardian_of = Membership.objects.filter(
            person=given_by,
            role=Person.Role.GUARDIAN,
            family__memberships__person=person,
        ).exists()
        if not guardian_of:
            errors["given_by"] = [
                _("For a child under %(age)s the consent is given by a guardian.") % {"age": settings.CONSENT_OWN_AGE}
            ]
    elif given_by.pk != person.pk:
        errors["given_by"] = [
            _("From the age of %(age)s the consent is the person's own.") % {"age": settings.CONSENT_OWN_AGE}
        ]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        return Consent.objects.create(
            person=person,
            given_by=given_by,
            source_service=source_service,
            target_service=target_service,
            valid_from=valid_from,
            valid_until=valid_until,
            recorded_by=actor,
        )


def consent_withdraw(*, actor, consent):
    """Withdraw a consent: a withdrawal row of its own (the consent itself never changes);
    it stops disclosing at once (every check reads the tables)."""
    _require_consent_recorder(actor, consent.person)
    with transaction.atomic():
        locked = Consent.objects.select_for_update().get(pk=consent.pk)
        if ConsentWithdrawal.objects.filter(consent=locked).exists():
            raise ValidationError({"consent": [_("This consent has already been withdrawn.")]})
        try:
            with transaction.atomic():
                ConsentWithdrawal.objects.create(consent=locked, recorded_by=actor)
        except IntegrityError:  # withdrawn at the same moment by someone else
            raise ValidationError({"consent": [_("This consent has already been withdrawn.")]}) from None
    return locked


# --- emergency access (break-glass) ---------------------------------------------------

BREAK_GLASS_MIN_REASON = 10


def break_glass_open(*, request, family, reason: str):
    """Open a family outside the rules for BREAK_GLASS_HOURS, with a reason; logged with
    the basis ``break_glass`` and waiting for a manager's review."""

    reason = (reason or "").strip()
    if len(reason) < BREAK_GLASS_MIN_REASON:
        raise ValidationError(
            {"reason": [_("Give the reason in at least %(n)s characters.") % {"n": BREAK_GLASS_MIN_REASON}]}
        )
    if len(reason) > 500:
        raise ValidationError({"reason": [_("Give the reason in at most 500 characters.")]})
    now = timezone.now()
    with transaction.atomic():
        grant = BreakGlass.objects.create(
            user=request.user,
            family=family,
            reason=reason,
            at=now,
            expires_at=now + dt.timedelta(hours=settings.BREAK_GLASS_HOURS),
        )
        access_log(
            request=request,
            action=AccessEvent.Action.VIEW,
            object_type="break_glass",
            objects=[(grant.pk, family.pk)],
            basis="break_glass",
        )
    return grant


def break_glass_review(*, actor, grant, note: str):
    note = (note or "").strip()
    if len(note) > 500:
        raise ValidationError({"review_note": [_("Give the note in at most 500 characters.")]})
    with transaction.atomic():
        locked = BreakGlass.objects.select_for_update().get(pk=grant.pk)
        if BreakGlassReview.objects.filter(grant=locked).exists():
            raise ValidationError({"review_note": [_("This emergency access has already been reviewed.")]})
        try:
            with transaction.atomic():
                return BreakGlassReview.objects.create(grant=locked, reviewed_by=actor, note=note)
        except IntegrityError:
            raise ValidationError({"review_note": [_("This emergency access has already been reviewed.")]}) from None


# --- tokens for systems -------------------------------------------------------------------

API_TOKEN_MAX_DAYS = 365


def api_token_issue(
    *, actor, name: str, roles: Iterable[str], days: int, organisation=None, unit=None
) -> tuple[ApiToken, str]:
    """Issue a token for a system: its own account with these roles (in the scope of one
    organisation or unit, or the whole region), valid for ``days``. Returns the token and
    its text, which is shown once and never stored."""
    if not policy.may_manage_api_tokens(actor):
        raise PermissionDenied
    name = (name or "").strip()
    roles = list(dict.fromkeys(roles or ()))
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Name the system the token is for.")]
    elif not all(c.isalnum() or c in " -_." for c in name):
        errors["name"] = [_("Use letters, digits, spaces, dots, hyphens and underscores in the name.")]
    if not roles:
        errors["roles"] = [_("Choose at least one role for the token.")]
    elif any(r not in policy.API_TOKEN_ROLES for r in roles):
        errors["roles"] = [_("A token may hold only the roles offered.")]
    if not isinstance(days, int) or not 1 <= days <= API_TOKEN_MAX_DAYS:
        errors["days"] = [_("A token is valid for 1 to %(n)d days.") % {"n": API_TOKEN_MAX_DAYS}]
    if organisation is not None and unit is not None:
        errors["unit"] = [_("Give either an organisation or a unit, not both.")]
    if errors:
        raise ValidationError(errors)
    prefix, secret, raw = new_secret()
    with transaction.atomic():
        slug = "-".join(name.lower().split())[:100]
        account = get_user_model().objects.create_user(
            username=f"{policy.API_ACCOUNT_PREFIX}{slug}:{prefix}", password=None
        )
        account.first_name = name[:150]
        account.save(update_fields=["first_name"])
        for role in roles:
            role_assign(user=account, role=role, organisation=organisation, unit=unit, granted_by=actor)
        token = ApiToken.objects.create(
            name=name,
            user=account,
            prefix=prefix,
            secret_hash=digest(secret),
            created_by=actor,
            expires_at=timezone.now() + dt.timedelta(days=days),
        )
    return token, raw


def api_token_revoke(*, actor, token: ApiToken) -> ApiToken:
    """Revoke a token at once: it is refused from the next request, and its account is
    disabled (the account and its log rows stay)."""
    if not policy.may_manage_api_tokens(actor):
        raise PermissionDenied
    if token.revoked_at is not None:
        return token
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.revoked_by = actor
        token.save(update_fields=["revoked_at", "revoked_by"])
        token.user.is_active = False
        token.user.save(update_fields=["is_active"])
    return token
