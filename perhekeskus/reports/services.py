"""Writes of the reports context: recording and correcting purchased services (every
rule is checked here, pages and API both call these, with errors in the user's language;
a purchase is saved whole or not at all), and keeping the worker-hour rows the reports
read exact."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Case, F, IntegerField, Value, When
from django.db.models.functions import TruncDate, TruncMonth
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from perhekeskus.access import policy
from perhekeskus.access.services import access_refused
from perhekeskus.people.models import Family, Person
from perhekeskus.scheduling.models import Appointment, Participant
from perhekeskus.scheduling.selectors import HELSINKI, Epoch

from .models import PurchasedService, WorkFact
from .selectors import WORKER_ROLES

# --- worker-hour rows ------------------------------------------------------------------


def _fact_source():
    """The worker-hour rows as the calendar holds them, one per worker participation, in
    the column order of ``WorkFact`` (each column an annotation, so the order is the
    order written here)."""
    columns = {
        "participant_id": F("pk"),
        "appointment_id": F("appointment_id"),
        "worker_id": F("resource__worker__id"),
        "role": F("role"),
        "start": F("start"),
        "day": TruncDate("start", tzinfo=HELSINKI),
        "month": TruncMonth(TruncDate("start", tzinfo=HELSINKI)),
        "status": F("appointment__status"),
        "work_type_id": F("appointment__work_type_id"),
        "family_id": F("appointment__family_id"),
        "location_kind": F("appointment__location_kind"),
        "cancellation_reason": F("appointment__cancellation_reason"),
        "cancelled_by": F("appointment__cancelled_by"),
        "late": Case(
            When(
                appointment__status=Appointment.Status.CANCELLED,
                appointment__cancelled_at__gt=F("start") - dt.timedelta(hours=24),
                then=Value(True),
            ),
            default=Value(False),
        ),
        "planned_seconds": Epoch("end") - Epoch("start"),
        "actual_seconds": Case(
            When(
                appointment__status=Appointment.Status.REALISED,
                then=Epoch("appointment__actual_end") - Epoch("appointment__actual_start"),
            ),
            default=Value(0),
            output_field=IntegerField(),
        ),
        "unit_price": F("appointment__unit_price"),
    }
    aliases = {f"x_{name}": expr for name, expr in columns.items()}
    qs = Participant.objects.filter(role__in=WORKER_ROLES).annotate(**aliases).values(*aliases).order_by()
    return qs, list(columns)


def work_facts_refresh(appointment_ids: Iterable[int] | None = None) -> None:
    """Rewrite the worker-hour rows of these appointments (of every appointment when
    None) from their participants, in one DELETE and one INSERT ... SELECT. Called by the
    booking services' signal inside their transaction; ``manage.py work_facts --rebuild``
    calls it for all."""
    source, columns = _fact_source()
    table = connection.ops.quote_name(WorkFact._meta.db_table)
    delete, delete_params = f"DELETE FROM {table}", []  # noqa: S608 (a table name)
    if appointment_ids is not None:
        ids = list(appointment_ids)
        source = source.filter(appointment_id__in=ids)
        delete += f" WHERE appointment_id IN ({', '.join(['%s'] * len(ids))})"
        delete_params = ids
    sql, params = source.query.sql_with_params()
    names = ", ".join(connection.ops.quote_name(WorkFact._meta.get_field(c).column) for c in columns)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(delete, delete_params)
        cursor.execute(f"INSERT INTO {table} ({names}) {sql}", params)  # noqa: S608 (compiled ORM SQL)


def work_facts_differences() -> tuple[int, int]:
    """How far the worker-hour rows are from the calendar: (rows the calendar gives that
    are missing or differ, kept rows the calendar no longer gives). (0, 0) when exact;
    anything else means something wrote appointments past the booking services, and
    ``manage.py work_facts --rebuild`` repairs it."""
    source, columns = _fact_source()
    sql, params = source.query.sql_with_params()
    table = connection.ops.quote_name(WorkFact._meta.db_table)
    names = ", ".join(connection.ops.quote_name(WorkFact._meta.get_field(c).column) for c in columns)
    kept = f"SELECT {names} FROM {table}"  # noqa: S608 (a table and its column names)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM ({sql} EXCEPT {kept}) AS d", params)  # noqa: S608
        missing = cursor.fetchone()[0]
        cursor.execute(f"SELECT COUNT(*) FROM ({kept} EXCEPT {sql}) AS d", params)  # noqa: S608
        extra = cursor.fetchone()[0]
    return missing, extra


FIELDS = (
    "purchaser",
    "provider",
    "service",
    "start_date",
    "end_date",
    "units",
    "unit",
    "unit_price",
    "lump_sum",
    "invoice_reference",
)


FAMILY_KEY_UNKNOWN = gettext_lazy("No family your organisation works with has this key.")


def _validate(user, data: dict) -> Family:
    """Check every rule; the family the key names."""
    errors: dict[str, list[str]] = {}
    purchaser, provider, service = data.get("purchaser"), data.get("provider"), data.get("service")
    if purchaser is not None and not policy.may_record_for(user, purchaser.pk):
        errors["purchaser"] = [_("You do not record purchases of this organisation.")]
    if purchaser is not None and provider is not None and purchaser.pk == provider.pk:
        errors["provider"] = [_("The provider is the purchasing organisation itself: record own work as appointments.")]
    if (
        service is not None
        and provider is not None
        and service.organisation_id not in (provider.pk, getattr(purchaser, "pk", None))
    ):
        errors["service"] = [_("Choose a service of the provider or of the purchasing organisation.")]
    family = None
    key = (data.get("family_key") or "").strip().upper()
    if key:
        family = Family.objects.filter(key=key).first()
        # one answer for a key that names no family and one the user may not name
        if family is None or policy.purchase_family_basis(user, family.pk, getattr(purchaser, "pk", None)) is None:
            family = None
            errors["family_key"] = [str(FAMILY_KEY_UNKNOWN)]
    else:
        errors["family_key"] = [_("Give the family's key.")]
    person = data.get("person")
    if person is not None and family is not None:
        person_id = person.pk if hasattr(person, "pk") else person
        person = Person.objects.filter(pk=person_id, memberships__family=family).first()
        if person is None:
            errors["person"] = [_("The person is not a member of this family.")]
        data["person"] = person
    start, end = data.get("start_date"), data.get("end_date")
    if start and end and end < start:
        errors["end_date"] = [_("The end of the period is before its start.")]
    units, unit, price, lump = data.get("units"), data.get("unit"), data.get("unit_price"), data.get("lump_sum")
    priced = units is not None or price is not None or bool(unit)
    if lump is not None and priced:
        errors["lump_sum"] = [_("Give either units, unit and unit price, or a lump sum, not both.")]
    elif lump is None and not priced:
        errors["units"] = [_("Give either units, unit and unit price, or a lump sum.")]
    elif lump is None:
        if units is None or units <= 0:
            errors["units"] = [_("Give the number of units (more than zero).")]
        if not unit:
            errors["unit"] = [_("Give the unit.")]
        if price is None or price < 0:
            errors["unit_price"] = [_("Give the unit price (zero or more).")]
    elif lump < 0:
        errors["lump_sum"] = [_("A lump sum is zero or more.")]
    if errors:
        raise ValidationError(errors)
    return family


@transaction.atomic
def purchase_save(*, user, data: dict, purchase: PurchasedService | None = None) -> PurchasedService:
    """Record a purchase, or correct one the user may correct."""
    if purchase is not None and not policy.may_record_for(user, purchase.purchaser_id):
        raise ValidationError({"purchaser": [_("You do not record purchases of this organisation.")]})
    family = _validate(user, data)
    purchase = purchase or PurchasedService(recorded_by=user)
    for name in FIELDS:
        value = data.get(name)
        setattr(purchase, name, (value or "") if name in ("unit", "invoice_reference") else value)
    purchase.family = family
    purchase.person = data.get("person")
    purchase.amount = PurchasedService.total(purchase.units, purchase.unit_price, purchase.lump_sum)
    purchase.full_clean()
    purchase.save()
    return purchase


@transaction.atomic
def purchase_delete(*, user, purchase: PurchasedService) -> None:
    if not policy.may_record_for(user, purchase.purchaser_id):
        raise ValidationError({"purchaser": [_("You do not record purchases of this organisation.")]})
    purchase.delete()


def log_refused_key(request, key: str | None, *, channel: str = "page") -> None:
    """Log a refused attempt on the family a key names, when it names one (the answer
    was the same as for an unknown key)."""
    key = (key or "").strip().upper()
    family_id = Family.objects.filter(key=key).values_list("pk", flat=True).first() if key else None
    if family_id is not None:
        access_refused(request=request, object_type="family", object_id=family_id, family_id=family_id, channel=channel)


def refused_family_key(request, data: dict, exc: ValidationError, *, channel: str = "page") -> None:
    """A purchase refused for its family key is logged as a refused attempt on that family."""
    if FAMILY_KEY_UNKNOWN in getattr(exc, "message_dict", {}).get("family_key", []):
        log_refused_key(request, data.get("family_key"), channel=channel)
