"""Deterministic demo data of a Varkaus-sized family centre, in bulk.

``generate(seed, scale)`` builds the network of ``catalogue.NETWORK``, workers (about 80
per scale unit) with shifts, families (about 1,700 per scale unit, a quarter
single-parent, some children in two homes), a year of past appointments (realised, a
realistic share cancelled with reasons) and the coming month planned. Names come from
Faker ``fi_FI``; no real person. Rows are written with explicit ids in large batches so
that scale 10 (about two million appointments) takes minutes.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

import holidays
from django.contrib.auth import get_user_model
from django.db import connection, models, transaction
from django.utils import timezone
from faker import Faker
from tqdm import tqdm

from perhekeskus.access.models import (
    AccessEvent,
    BreakGlass,
    BreakGlassReview,
    Consent,
    ConsentWithdrawal,
    DisclosureRule,
)
from perhekeskus.access.policy import disclosure_mode
from perhekeskus.intake import clocks
from perhekeskus.network.models import Organisation, Service, Unit
from perhekeskus.people.models import (
    KEY_FIRST,
    Competence,
    Family,
    Language,
    Membership,
    NamedWorker,
    Person,
    Worker,
)
from perhekeskus.people.roles import (
    ADMINISTRATOR,
    COORDINATOR,
    MANAGER,
    NETWORK_COORDINATOR,
    SERVICE_GUIDANCE,
    WORKER,
    role_assign,
)
from perhekeskus.reports.services import work_facts_refresh
from perhekeskus.scheduling.models import (
    Appointment,
    CancellationReason,
    CancelledBy,
    Participant,
    Resource,
    Shift,
    WorkType,
)

from . import catalogue
from .intake_demo import generate_intake
from .meeting_places_demo import generate_meeting_places
from .purchases_demo import generate_purchases

HELSINKI = ZoneInfo("Europe/Helsinki")
UTC = dt.UTC
BATCH = 5000
DEMO_PASSWORD = "perhekeskus-demo"
VARKAUS = (62.3153, 27.8730)

CANCEL_REASONS = [
    (CancellationReason.CLIENT_CANCELLED, CancelledBy.CLIENT, 45),
    (CancellationReason.CLIENT_NO_SHOW, CancelledBy.CLIENT, 20),
    (CancellationReason.WORKER_ILL, CancelledBy.WORKER, 15),
    (CancellationReason.ORGANISATION_CANCELLED, CancelledBy.ORGANISATION, 10),
    (CancellationReason.OTHER, CancelledBy.CLIENT, 10),
]
OTHER_TEXTS = ["Perheen lapsi sairastui", "Aika siirrettiin perheen pyynnöstä", "Sääolosuhteet", "Auto hajosi"]


@dataclass
class DemoWorker:
    worker: Worker
    hours: str
    home_share: float
    client_types: list[WorkType]
    caseload: list[int] = field(default_factory=list)
    colleagues: list[DemoWorker] = field(default_factory=list)
    partners: list[DemoWorker] = field(default_factory=list)  # in other organisations
    # how full the worker's days are (utilisation varies: some have room, some are over)
    fill: float = 0.9


SHIFT_WEEKS_AHEAD = 16


def _next_id(model) -> int:
    last = model.objects.order_by("-pk").values_list("pk", flat=True).first()
    return (last or 0) + 1


def _reset_sequences(models) -> None:
    if connection.vendor != "postgresql":
        return
    from django.core.management.color import no_style

    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


def _bulk(model, rows, progress=None):
    for i in range(0, len(rows), BATCH):
        model.objects.bulk_create(rows[i : i + BATCH], batch_size=BATCH)
        if progress is not None:
            progress.update(len(rows[i : i + BATCH]))


def _aware(day: dt.date, minutes: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60), tzinfo=HELSINKI).astimezone(UTC)


def generate(
    *,
    seed: int = 1,
    scale: float = 1.0,
    today: dt.date | None = None,
    days_back: int = 365,
    days_ahead: int = 31,
    quiet: bool = False,
    stdout=None,
) -> dict:
    rnd = random.Random(seed)
    fake = Faker("fi_FI")
    fake.seed_instance(seed)
    today = today or timezone.localdate()
    say = (lambda msg: None) if quiet or stdout is None else (lambda msg: stdout.write(msg))

    with transaction.atomic():
        languages = {
            code: Language.objects.get_or_create(code=code, defaults={"name": name})[0]
            for code, name in catalogue.LANGUAGES
        }
        competences = [Competence.objects.get_or_create(name=n)[0] for n in catalogue.COMPETENCES]
        shared_types: dict[str, WorkType] = {}
        demo_workers: list[DemoWorker] = []
        say("Network and workers…")
        for org_name, kind, units in catalogue.NETWORK:
            org, _ = Organisation.objects.get_or_create(name=org_name, defaults={"kind": kind})
            for unit_name, address, services, staff in units:
                unit, _ = Unit.objects.get_or_create(organisation=org, name=unit_name, defaults={"address": address})
                unit_types: list[WorkType] = []
                unit_service = None
                for service_name, level, sector, types in services:
                    service, _ = Service.objects.get_or_create(
                        organisation=org, name=service_name, defaults={"level": level, "sector": sector}
                    )
                    unit_service = unit_service or service
                    for type_name, work_class, price in types:
                        wt, _ = WorkType.objects.get_or_create(
                            service=service,
                            name=type_name,
                            defaults={
                                "work_class": work_class,
                                "default_unit_price": Decimal(price),
                                "overlap_group": catalogue.OVERLAP_GROUPS.get(type_name, ""),
                            },
                        )
                        if work_class == "direct_client":
                            unit_types.append(wt)
                        else:
                            shared_types[type_name] = wt
                unit_workers = []
                for profession, count, hours, home_share in staff:
                    for _i in range(max(1, round(count * scale))):
                        first, last = fake.first_name(), fake.last_name()
                        resource = Resource.objects.create(kind=Resource.Kind.WORKER, name=f"{first} {last}")
                        lat = VARKAUS[0] + rnd.uniform(-0.03, 0.03)
                        lon = VARKAUS[1] + rnd.uniform(-0.05, 0.05)
                        worker = Worker.objects.create(
                            resource=resource,
                            first_name=first,
                            last_name=last,
                            organisation=org,
                            unit=unit,
                            profession=profession,
                            service=unit_service,
                            base_address=address,
                            base_latitude=lat,
                            base_longitude=lon,
                        )
                        langs = [languages["fi"]]
                        if rnd.random() < 0.08:
                            langs.append(languages["sv"])
                        if rnd.random() < 0.4:
                            langs.append(languages["en"])
                        if rnd.random() < 0.04:
                            langs.append(languages[rnd.choice(["ru", "ar", "so"])])
                        worker.languages.set(langs)
                        worker.competences.set(rnd.sample(competences, rnd.randint(0, 3)))
                        dw = DemoWorker(worker, hours, home_share, unit_types, fill=rnd.uniform(0.45, 1.0))
                        unit_workers.append(dw)
                        demo_workers.append(dw)
                for dw in unit_workers:
                    dw.colleagues = [c for c in unit_workers if c is not dw]
        # multi-agency work: client workers of other organisations a worker visits families
        # with (an NGO's family partner with the area's family worker, a school social
        # worker with the school nurse); seeds/001, seeds/004
        client_workers = [dw for dw in demo_workers if dw.client_types]
        for dw in client_workers:
            others = [c for c in client_workers if c.worker.organisation_id != dw.worker.organisation_id]
            dw.partners = rnd.sample(others, min(6, len(others)))

        say(f"{len(demo_workers)} workers. Families…")
        family_ids, person_ids_by_family = _families(rnd, fake, scale, languages, today)

        # Caseloads: each worker follows a set of families; a family may have several
        # services (workers), as the seeds describe.
        for dw in demo_workers:
            size = {"public_health_nurse": 60, "school_nurse": 80, "school_social_worker": 40}.get(
                dw.worker.profession, rnd.randint(12, 30)
            )
            dw.caseload = rnd.sample(family_ids, min(size, len(family_ids)))

        _named_workers(rnd, demo_workers, family_ids, today)
        say("Shifts and appointments…")
        counts = _calendar(rnd, demo_workers, shared_types, person_ids_by_family, today, days_back, days_ahead, quiet)
        _allocation_demo(rnd, demo_workers, today)
        users = _demo_users(demo_workers)
        _access_demo(rnd, today)
        say("Intake: contacts, notifications, service needs…")
        from django.db import connection

        from perhekeskus.access.db import lifted

        with lifted(connection, "intake_intakeevent"):  # the demo back-dates its intake events
            counts.update(generate_intake(rnd, today))
        say("Purchased services…")
        counts["purchased services"] = generate_purchases(rnd, today)
        # the rows were bulk-written past the booking services: the reports' worker-hour
        # rows are built once from the whole calendar
        say("Worker-hour rows for the reports…")
        work_facts_refresh()
        _reset_sequences([Family, Person, Membership, NamedWorker, Shift, Appointment, Participant])
        # booked through the services after the bulk rows' ids are behind the sequences
        # (PostgreSQL); its own random stream: the rest of the demo stays as it was
        say("Network meetings…")
        counts["network meetings"] = _network_demo(random.Random(seed + 16), demo_workers, today)
        say("Meeting places…")
        counts["meeting places"] = generate_meeting_places(random.Random(seed + 17), today)
    # fresh planner statistics after a bulk load (PostgreSQL's autovacuum may not have
    # run yet; SQLite never gathers them by itself)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    counts.update({"workers": len(demo_workers), "families": len(family_ids), "users": users})
    return counts


def _families(rnd, fake, scale, languages, today):
    n_families = max(10, round(1700 * scale))
    family_id, person_id, membership_id = _next_id(Family), _next_id(Person), _next_id(Membership)
    families, persons, memberships, person_langs = [], [], [], []
    person_ids_by_family: dict[int, list[int]] = {}
    sv = languages["sv"].pk
    fi = languages["fi"].pk

    def person(first, last, born, lang):
        nonlocal person_id
        persons.append(Person(id=person_id, first_name=first, last_name=last, birth_date=born))
        person_langs.append((person_id, lang))
        person_id += 1
        return person_id - 1

    def member(fid, pid, role):
        nonlocal membership_id
        memberships.append(Membership(id=membership_id, family_id=fid, person_id=pid, role=role))
        membership_id += 1
        person_ids_by_family.setdefault(fid, []).append(pid)

    def new_family(last, street):
        nonlocal family_id
        lat = VARKAUS[0] + rnd.uniform(-0.04, 0.04)
        lon = VARKAUS[1] + rnd.uniform(-0.07, 0.07)
        families.append(
            Family(
                id=family_id,
                name=f"Perhe {last}",
                address=street,
                postal_code=rnd.choice(catalogue.POSTAL_CODES),
                municipality="Varkaus",
                latitude=lat,
                longitude=lon,
                key=rnd.choice(KEY_FIRST) + f"{rnd.getrandbits(36):09X}",  # as people.models._family_key
            )
        )
        family_id += 1
        return family_id - 1

    progress = tqdm(total=n_families, desc="families", disable=n_families < 5000, leave=False)
    for _i in range(n_families):
        last = fake.last_name()
        lang = sv if rnd.random() < 0.05 else fi
        fid = new_family(last, fake.street_address())
        n_children = rnd.choices([1, 2, 3, 4, 5], weights=[38, 38, 16, 6, 2])[0]
        youngest_age = rnd.choices(range(18), weights=[9, 8, 8, 7, 7, 7, 6, 6, 6, 6, 5, 5, 5, 4, 4, 4, 4, 3])[0]
        ages = sorted({min(17, youngest_age + sum(rnd.randint(1, 4) for _ in range(k))) for k in range(n_children)})
        parent_age = max(ages) + rnd.randint(21, 36)
        single = rnd.random() < 0.254
        guardians = [
            person(fake.first_name(), last, today - dt.timedelta(days=parent_age * 365 + rnd.randint(0, 364)), lang)
        ]
        if not single:
            guardians.append(
                person(
                    fake.first_name(),
                    rnd.choice([last, fake.last_name()]),
                    today - dt.timedelta(days=(parent_age + rnd.randint(-4, 6)) * 365),
                    lang,
                )
            )
        for g in guardians:
            member(fid, g, Person.Role.GUARDIAN)
        children = [
            person(fake.first_name(), last, today - dt.timedelta(days=age * 365 + rnd.randint(0, 364)), lang)
            for age in ages
        ]
        for c in children:
            member(fid, c, Person.Role.CHILD)
        # Some children of single-parent families have a second home with the other parent.
        if single and rnd.random() < 0.3:
            other_last = fake.last_name()
            fid2 = new_family(other_last, fake.street_address())
            member(
                fid2,
                person(fake.first_name(), other_last, today - dt.timedelta(days=parent_age * 365), lang),
                Person.Role.GUARDIAN,
            )
            for c in children:
                member(fid2, c, Person.Role.CHILD)
        progress.update(1)
    progress.close()
    # about one family in a hundred has a member under an address non-disclosure order
    protected_persons = set()
    for family in families:
        if rnd.random() < 0.01:
            family.address_protected = True
            protected_persons.update(person_ids_by_family.get(family.id, [])[:1])
    for person in persons:
        person.address_non_disclosure = person.id in protected_persons
    _bulk(Family, families)
    _bulk(Person, persons)
    _bulk(Membership, memberships)
    through = Person.languages.through
    _bulk(through, [through(person_id=p, language_id=lang) for p, lang in person_langs])
    return [f.id for f in families], person_ids_by_family


def _named_workers(rnd, demo_workers, family_ids, today) -> None:
    """Every family has an own worker by its youngest child's age: the child-health clinic's
    public health nurse under school age (7), the school nurse from then on. Most families
    with several services (in the caseloads of workers of two or more services) have a
    responsible worker from one of them (a worker of theirs other than the nurse, who
    follows them through the clienthood; seeds/001), some a family partner (an NGO's)."""
    clinic = [dw.worker for dw in demo_workers if dw.worker.profession == "public_health_nurse"]
    school = [dw.worker for dw in demo_workers if dw.worker.profession == "school_nurse"]
    rows, next_id = [], _next_id(NamedWorker)

    def add(family_id, worker, role):
        nonlocal next_id
        rows.append(
            NamedWorker(
                id=next_id,
                family_id=family_id,
                worker=worker,
                role=role,
                start_date=today - dt.timedelta(days=rnd.randint(30, 2000)),
                reason=catalogue.NAMING_REASONS[role],
            )
        )
        next_id += 1
        if role == NamedWorker.Role.RESPONSIBLE_WORKER and rnd.random() < 0.25:
            # an earlier responsible worker, ended when this one began: the history
            begun = rows[-1].start_date
            earlier = rnd.choice([dw.worker for dw in demo_workers if dw.worker.pk != worker.pk])
            rows.append(
                NamedWorker(
                    id=next_id,
                    family_id=family_id,
                    worker=earlier,
                    role=role,
                    start_date=begun - dt.timedelta(days=rnd.randint(60, 700)),
                    end_date=begun - dt.timedelta(days=1),
                    reason=catalogue.NAMING_REASONS[role],
                    end_reason="Työntekijä vaihtoi tehtävää",
                )
            )
            next_id += 1

    youngest: dict[int, dt.date] = {}
    for family_id, born in Membership.objects.filter(
        family_id__in=family_ids, role=Person.Role.CHILD, person__birth_date__isnull=False
    ).values_list("family_id", "person__birth_date"):
        youngest[family_id] = max(youngest.get(family_id, born), born)
    school_age = clocks.add_months(today, -7 * 12)  # 29 February has no day seven years back
    for family_id in family_ids:
        born = youngest.get(family_id)
        nurses = school if born is not None and born <= school_age and school else clinic or school
        if nurses:
            add(family_id, rnd.choice(nurses), NamedWorker.Role.OWN_WORKER)
    services_of: dict[int, set] = {}
    followers: dict[int, list] = {}
    for dw in demo_workers:
        for family_id in dw.caseload:
            services_of.setdefault(family_id, set()).add(dw.worker.service_id)
            if dw.worker.profession not in ("public_health_nurse", "school_nurse"):
                followers.setdefault(family_id, []).append(dw.worker)
    for family_id in family_ids:
        several = len(services_of.get(family_id, ())) >= 2
        if followers.get(family_id) and rnd.random() < (0.92 if several else 0.5):
            add(family_id, rnd.choice(followers[family_id]), NamedWorker.Role.RESPONSIBLE_WORKER)
    partnered = set()
    for dw in demo_workers:
        if dw.worker.profession != "ngo_worker" or dw.worker.organisation.kind != "ngo":
            continue
        for family_id in dw.caseload[: rnd.randint(4, 10)]:
            if family_id not in partnered:
                partnered.add(family_id)
                add(family_id, dw.worker, NamedWorker.Role.FAMILY_PARTNER)
    _bulk(NamedWorker, rows)


def _working_days(start: dt.date, end: dt.date) -> list[dt.date]:
    fi_holidays = holidays.country_holidays("FI", years=range(start.year, end.year + 1))
    days, d = [], start
    while d <= end:
        if d.weekday() < 5 and d not in fi_holidays:
            days.append(d)
        d += dt.timedelta(days=1)
    return days


def _calendar(rnd, demo_workers, shared, person_ids_by_family, today, days_back, days_ahead, quiet):
    days = _working_days(today - dt.timedelta(days=days_back), today + dt.timedelta(days=days_ahead))
    # what has happened by "now": the real clock, or noon of the given day
    now = timezone.now() if today == timezone.localdate() else _aware(today, 12 * 60)
    shift_id, appointment_id, participant_id = _next_id(Shift), _next_id(Appointment), _next_id(Participant)
    persons_through = Appointment.persons.through
    person_link_id = _next_id(persons_through)
    totals = {"shifts": 0, "appointments": 0, "participants": 0}
    t_doc, t_case, t_team, t_network = (
        shared["Kirjaaminen"],
        shared["Asiakkaan asioiden hoito"],
        shared["Tiimipalaveri"],
        shared["Verkostopalaveri"],
    )
    t_travel, t_training, t_other = shared["Matka"], shared["Koulutus"], shared["Muu työ"]
    hours_of = {dw.worker.pk: catalogue.WORKING_HOURS[dw.hours] for dw in demo_workers}
    progress = tqdm(total=len(days), desc="days", disable=quiet, leave=False)
    for day in days:
        shifts, appointments, participants, links = [], [], [], []
        busy: dict[int, list[tuple[int, int]]] = {}
        past = day < today
        # leave, sick days, holidays: decided first, so no one on leave is invited as a pair
        away = {dw.worker.pk for dw in demo_workers if rnd.random() < 0.06}
        for dw in demo_workers:
            w = dw.worker
            if w.pk in away:
                continue
            h_from, h_to = catalogue.WORKING_HOURS[dw.hours]
            shift_start, shift_end = h_from * 60, h_to * 60
            shifts.append(
                Shift(id=shift_id, worker_id=w.pk, start=_aware(day, shift_start), end=_aware(day, shift_end))
            )
            # the busiest workers are booked past their shift (overtime): their utilisation
            # goes over 100 %, as the resource view should show
            overloaded = dw.fill > 0.85
            book_until = shift_end + (120 if overloaded else 0)
            shift_id += 1
            cursor = shift_start + rnd.choice([0, 0, 15, 30])
            # the coming weeks are booked less the further they are (as in a real calendar)
            ahead_days = (day - today).days
            fill = (
                dw.fill if ahead_days < 0 else dw.fill * (0.8 if ahead_days < 7 else 0.55 if ahead_days < 14 else 0.35)
            )
            if overloaded and ahead_days < 0:
                fill = 1.0

            def free(s, e, who):
                return all(e <= bs or s >= be for bs, be in busy.get(who, []))

            def add(
                work_type, s, e, family=None, location=Appointment.LocationKind.UNIT, address="", notes="", pair=None
            ):
                nonlocal appointment_id, participant_id, person_link_id
                if pair is not None and not (
                    free(s, e, pair.pk) and hours_of[pair.pk][0] * 60 <= s and e <= hours_of[pair.pk][1] * 60
                ):
                    pair = None  # a pair only inside their own shift and free time
                start, end = _aware(day, s), _aware(day, e)
                a = Appointment(
                    id=appointment_id,
                    work_type_id=work_type.pk,
                    planned_start=start,
                    planned_end=end,
                    unit_price=work_type.default_unit_price,
                    family_id=family,
                    location_kind=location,
                    address=address,
                    notes_to_heed=notes,
                )
                if past or end <= now:
                    roll = rnd.random()
                    if roll < 0.11 and family is not None:
                        reason, party, _w = rnd.choices(CANCEL_REASONS, weights=[r[2] for r in CANCEL_REASONS])[0]
                        a.status = Appointment.Status.CANCELLED
                        a.cancellation_reason, a.cancelled_by = reason, party
                        a.cancellation_text = rnd.choice(OTHER_TEXTS) if reason == CancellationReason.OTHER else ""
                        a.cancelled_at = start - dt.timedelta(hours=rnd.choice([1, 3, 20, 48]))
                    elif roll < 0.975:
                        a.status = Appointment.Status.REALISED
                        a.actual_start = start + dt.timedelta(minutes=rnd.choice([0, 0, 0, 5, 10, -5]))
                        a.actual_end = max(
                            end + dt.timedelta(minutes=rnd.choice([0, 0, -10, 10, 15, -15, 20])),
                            a.actual_start + dt.timedelta(minutes=10),
                        )
                    # else: left unrecorded in the past, as happens
                appointments.append(a)
                active = a.status != Appointment.Status.CANCELLED
                workers_on_it = [(w, Participant.Role.PRIMARY)] + ([(pair, Participant.Role.PAIR)] if pair else [])
                for who, role in workers_on_it:
                    participants.append(
                        Participant(
                            id=participant_id,
                            appointment_id=appointment_id,
                            resource_id=who.resource_id,
                            role=role,
                            start=start,
                            end=end,
                            active=active,
                        )
                    )
                    participant_id += 1
                    busy.setdefault(who.pk, []).append((s, e))
                if family is not None and rnd.random() < 0.25:
                    members = person_ids_by_family.get(family, [])
                    for pid in rnd.sample(members, min(len(members), rnd.randint(1, 2))):
                        links.append(persons_through(id=person_link_id, appointment_id=appointment_id, person_id=pid))
                        person_link_id += 1
                appointment_id += 1

            def place(length, fn):
                nonlocal cursor
                for _try in range(6):
                    s, e = cursor, cursor + length
                    if e > book_until:
                        return False
                    clash = [be for bs, be in busy.get(w.pk, []) if not (e <= bs or s >= be)]
                    if not clash:
                        fn(s, e)
                        cursor = e
                        return True
                    cursor = max(clash)
                return False

            if day.weekday() == 0:
                place(60, lambda s, e: add(t_team, s, e))
            if day.weekday() == 2 and rnd.random() < 0.3:
                place(90, lambda s, e: add(t_training, s, e))
            visits = 0
            while cursor < book_until - 45:
                if rnd.random() > fill:
                    cursor += rnd.choice([30, 45, 60, 90])  # room in the day
                    continue
                roll = rnd.random()
                if dw.client_types and dw.caseload and roll < 0.55:
                    family = rnd.choice(dw.caseload)
                    home = rnd.random() < dw.home_share
                    length = rnd.choice([45, 60, 60, 90, 90, 120]) if home else rnd.choice([30, 45, 60, 60, 90])
                    if home:
                        place(rnd.choice([15, 20, 30]), lambda s, e: add(t_travel, s, e))
                    wt = rnd.choice(dw.client_types)
                    pair = None
                    roll_pair = rnd.random()
                    pool = dw.partners if roll_pair < 0.16 else dw.colleagues if roll_pair < 0.24 else []
                    for cand in rnd.sample(pool, min(4, len(pool))):
                        if cand.worker.pk not in away and free(cursor, cursor + length, cand.worker.pk):
                            pair = cand.worker
                            break
                    notes = rnd.choice(catalogue.NOTES) if home and rnd.random() < 0.2 else ""
                    placed = place(
                        length,
                        lambda s, e, f=family, h=home, t=wt, p=pair, n=notes: add(
                            t,
                            s,
                            e,
                            family=f,
                            location=Appointment.LocationKind.CLIENT_HOME if h else Appointment.LocationKind.UNIT,
                            address="" if h else w.unit.address,
                            notes=n,
                            pair=p,
                        ),
                    )
                    if placed and home:
                        visits += 1
                        place(rnd.choice([15, 20, 30]), lambda s, e: add(t_travel, s, e))
                elif roll < 0.72:
                    place(rnd.choice([30, 45, 60]), lambda s, e: add(t_doc, s, e))
                elif roll < 0.78:
                    family = rnd.choice(dw.caseload) if dw.caseload else None
                    place(60, lambda s, e, f=family: add(t_network, s, e, family=f))
                elif roll < 0.83:
                    place(rnd.choice([15, 30]), lambda s, e: add(t_case, s, e))
                elif roll < 0.85:
                    place(30, lambda s, e: add(t_other, s, e))
                else:
                    cursor += rnd.choice([15, 30, 45, 60])  # free time in the shift
        # client-home addresses are the family's own, filled in one pass
        _fill_home_addresses(appointments)
        Shift.objects.bulk_create(shifts, batch_size=BATCH)
        Appointment.objects.bulk_create(appointments, batch_size=BATCH)
        Participant.objects.bulk_create(participants, batch_size=BATCH)
        persons_through.objects.bulk_create(links, batch_size=BATCH)
        totals["shifts"] += len(shifts)
        totals["appointments"] += len(appointments)
        totals["participants"] += len(participants)
        progress.update(1)
    progress.close()
    # shifts are planned further ahead than the calendar is booked: allocation books
    # series of up to twelve weeks from next Monday
    ahead = []
    for day in _working_days(days[-1] + dt.timedelta(days=1), today + dt.timedelta(weeks=SHIFT_WEEKS_AHEAD)):
        for dw in demo_workers:
            h_from, h_to = catalogue.WORKING_HOURS[dw.hours]
            ahead.append(
                Shift(id=shift_id, worker_id=dw.worker.pk, start=_aware(day, h_from * 60), end=_aware(day, h_to * 60))
            )
            shift_id += 1
    Shift.objects.bulk_create(ahead, batch_size=BATCH)
    totals["shifts"] += len(ahead)
    _reset_sequences([persons_through])
    return totals


_address_cache: dict[int, str] = {}


def _fill_home_addresses(appointments) -> None:
    missing = {
        a.family_id
        for a in appointments
        if a.location_kind == "client_home" and a.family_id and a.family_id not in _address_cache
    }
    if missing:
        for fid, street, code, town in Family.objects.filter(pk__in=missing).values_list(
            "id", "address", "postal_code", "municipality"
        ):
            _address_cache[fid] = f"{street}, {code} {town}"
    for a in appointments:
        if a.location_kind == "client_home" and a.family_id:
            a.address = _address_cache[a.family_id]


DEMO_USERS = [
    # username, roles [(role, organisation name or None for the whole region)],
    # which worker (profession, organisation kind, unit name or None) or None, description
    ("koordinaattori", [(COORDINATOR, None)], None, "Resource coordinator: the whole region in one view"),
    (
        "jarjestokoordinaattori",
        [(COORDINATOR, "SOS-Lapsikylä")],
        None,
        "Resource coordinator of one NGO: plans its workers, sees the others as busy time",
    ),
    (
        "perhetyontekija",
        [(WORKER, None)],
        ("family_worker", "wellbeing_area", None),
        "Family worker of the wellbeing area (consents at work on one of their families)",
    ),
    ("perhekumppani", [(WORKER, None)], ("ngo_worker", "ngo", None), "Family partner of an NGO"),
    (
        "sosiaalityontekija",
        [(WORKER, None)],
        ("social_worker", "wellbeing_area", None),
        "Social worker of the wellbeing area (has opened a family with emergency access)",
    ),
    (
        "lastensuojelu",
        [(WORKER, None)],
        ("social_worker", "wellbeing_area", "Lastensuojelu"),
        "Child-protection social worker",
    ),
    ("palveluohjaaja", [(SERVICE_GUIDANCE, None)], None, "Service guidance: finds families, sees busy time"),
    ("verkostokoordinaattori", [(NETWORK_COORDINATOR, None)], None, "Network coordinator: books network meetings"),
    ("johtaja", [(MANAGER, None)], None, "Manager: pseudonymous keys only; reviews emergency accesses"),
    ("admin", [(ADMINISTRATOR, None)], None, "Administrator: disclosure rules, Django admin"),
]

DISPLAY_NAMES = {
    "koordinaattori": "Koordinaattori",
    "jarjestokoordinaattori": "Järjestökoordinaattori",
    "palveluohjaaja": "Palveluohjaaja",
    "verkostokoordinaattori": "Verkostokoordinaattori",
    "johtaja": "Johtaja",
    "admin": "Ylläpitäjä",
}


def _demo_users(demo_workers) -> list[tuple[str, str]]:
    User = get_user_model()
    result = []
    for username, roles, match, description in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        is_admin = any(role == ADMINISTRATOR for role, _org in roles)
        if user is None:
            user = User(username=username, is_staff=is_admin, is_superuser=is_admin)
            user.set_password(DEMO_PASSWORD)
        if match:
            profession, kind, unit_name = match
            worker = next(
                dw.worker
                for dw in demo_workers
                if dw.worker.profession == profession
                and dw.worker.organisation.kind == kind
                and (unit_name is None or dw.worker.unit.name == unit_name)
                and dw.worker.user_id is None
            )
            user.first_name, user.last_name = worker.first_name, worker.last_name
            user.save()
            worker.user = user
            worker.save(update_fields=["user"])
        else:
            user.first_name = DISPLAY_NAMES[username]
            user.save()
        for role, org_name in roles:
            organisation = Organisation.objects.get(name=org_name) if org_name else None
            role_assign(user=user, role=role, organisation=organisation)
        result.append((username, description))
    return result


# Default disclosure rules of the demo network (docs/access.md explains them). Pairs not
# named here follow DISCLOSURE_DEFAULT ("with consent"); within one service, automatic.
EARLY_SUPPORT_FAMILY_SERVICES = ["Perhetyö", "Lapsiperheiden kotipalvelu", "Lapsiperheiden sosiaalityö"]
THIRD_SECTOR = ["Perhekumppani", "Vertaistuki ja perhekahvila", "Diakoniatyö"]
DISCLOSURE_RULES = (
    [
        (source, target, "automatic", "Lapsiperheiden sosiaalihuollon palvelut, sama rekisterinpitäjä (SHL 36 §)")
        for source in EARLY_SUPPORT_FAMILY_SERVICES
        for target in EARLY_SUPPORT_FAMILY_SERVICES
        if source != target
    ]
    + [
        ("Lastensuojelu", None, "consent", "Lastensuojelun asiakastiedot salassa pidettäviä (LSL 24 §)"),
        ("Matalan kynnyksen mielenterveys- ja päihdetyö", None, "consent", "Päihde- ja mielenterveystiedot"),
        ("Kasvatus- ja perheneuvonta", None, "consent", "Perheneuvolan asiakastiedot"),
        ("Diakoniatyö", None, "never", "Seurakunnan diakoniatyön vaitiolovelvollisuus"),
    ]
    + [
        ("Lastensuojelu", target, "never", "Lastensuojelun tietoja ei luovuteta järjestöille eikä seurakunnalle")
        for target in THIRD_SECTOR
    ]
)


def _access_demo(rnd, today) -> None:
    """Disclosure rules, consents and emergency accesses so that each rule can be seen
    at work: the demo family worker's family with the most other services has consents
    (one withdrawn); the demo social worker has opened a family with emergency access."""
    if DisclosureRule.objects.exists():
        return
    services = {s.name: s for s in Service.objects.all()}
    for source, target, mode, note in DISCLOSURE_RULES:
        if source in services and (target is None or target in services):
            DisclosureRule.objects.create(
                source_service=services[source],
                target_service=services[target] if target else None,
                mode=mode,
                note=note,
            )
    User = get_user_model()
    family_worker = Worker.objects.filter(user__username="perhetyontekija").first()
    social_worker = Worker.objects.filter(user__username="sosiaalityontekija").first()
    admin = User.objects.get(username="admin")
    now = timezone.now()
    if family_worker is not None:
        noon = dt.datetime.combine(today, dt.time(12), tzinfo=HELSINKI)
        window = (noon - dt.timedelta(days=80), noon + dt.timedelta(days=14))
        own = Appointment.objects.filter(
            participants__resource_id=family_worker.resource_id,
            family__isnull=False,
            planned_start__range=window,
        ).values_list("family_id", flat=True)
        best = (
            Appointment.objects.filter(family_id__in=list(set(own)))
            .exclude(work_type__service=family_worker.service)
            .values("family_id")
            .annotate(n=models.Count("work_type__service", distinct=True))
            .order_by("-n", "family_id")
            .first()
        )
        if best is not None:
            family = Family.objects.get(pk=best["family_id"])
            members = list(family.memberships.select_related("person").order_by("role", "person__birth_date"))
            guardian = next((m.person for m in members if m.role == Person.Role.GUARDIAN), None)
            others = sorted(
                set(
                    Appointment.objects.filter(family=family)
                    .exclude(work_type__service=family_worker.service)
                    .values_list("work_type__service_id", flat=True)
                )
            )
            # the consent from child protection (else the first service) has been withdrawn
            # (consents matter only where the rule asks for one)
            others = [s for s in others if disclosure_mode(s, family_worker.service_id) == "consent"]
            cp = services["Lastensuojelu"].pk if "Lastensuojelu" in services else None
            withdrawn = cp if cp in others else (others[0] if len(others) > 1 else None)
            if guardian is not None:
                for service_id in others:
                    for m in members:
                        age = (today - m.person.birth_date).days // 365 if m.person.birth_date else 30
                        consent = Consent.objects.create(
                            person=m.person,
                            given_by=m.person if age >= 12 else guardian,
                            source_service_id=service_id,
                            target_service=family_worker.service,
                            valid_from=today - dt.timedelta(days=60),
                            valid_until=today + dt.timedelta(days=300),
                            recorded_by=family_worker.user,
                        )
                        if service_id == withdrawn:
                            ConsentWithdrawal.objects.create(
                                consent=consent, withdrawn_at=now - dt.timedelta(days=3), recorded_by=family_worker.user
                            )
    if social_worker is not None:
        related = set(NamedWorker.objects.filter(worker=social_worker).values_list("family_id", flat=True)) | set(
            Appointment.objects.filter(participants__resource_id=social_worker.resource_id).values_list(
                "family_id", flat=True
            )
        )
        outsiders = list(Family.objects.exclude(pk__in=related).order_by("id").values_list("pk", flat=True)[:50])
        if len(outsiders) >= 2:
            first, second = rnd.sample(outsiders, 2)
            opened = BreakGlass.objects.create(
                user=social_worker.user,
                family_id=first,
                reason="Päivystys: poliisi pyysi virka-apua illalla, perheen omat työntekijät eivät tavoitettavissa.",
                at=now - dt.timedelta(days=1),
                expires_at=now - dt.timedelta(days=1) + dt.timedelta(hours=4),
            )
            for minutes, object_type, object_id in ((0, "break_glass", opened.pk), (1, "family", first)):
                AccessEvent.objects.create(
                    at=opened.at + dt.timedelta(minutes=minutes),
                    user_id=social_worker.user_id,
                    username=social_worker.user.username,
                    action=AccessEvent.Action.VIEW,
                    object_type=object_type,
                    object_id=object_id,
                    family_id=first,
                    basis="break_glass",
                    channel=AccessEvent.Channel.PAGE,
                    path=f"/families/{first}/calendar/" if object_type == "family" else f"/emergency/{first}/open/",
                )
            reviewed = BreakGlass.objects.create(
                user=social_worker.user,
                family_id=second,
                reason="Kiireellinen sijoitus, tarvittiin tieto perheen muista palveluista.",
                at=now - dt.timedelta(days=20),
                expires_at=now - dt.timedelta(days=20) + dt.timedelta(hours=4),
            )
            BreakGlassReview.objects.create(
                grant=reviewed,
                reviewed_by=User.objects.filter(username="johtaja").first() or admin,
                reviewed_at=now - dt.timedelta(days=18),
                note="Perusteltu, käyty läpi työntekijän kanssa.",
            )


def _allocation_demo(rnd, demo_workers, today) -> None:
    """What the allocation pages need to show: a worker off ill next week with planned
    visits to re-plan, and a home-help team whose coming visits have time windows (the
    route planner places them)."""
    from perhekeskus.scheduling.services import absence_record

    monday = today + dt.timedelta(days=7 - today.weekday())
    busy = [
        dw
        for dw in demo_workers
        if dw.client_types and dw.worker.profession not in ("public_health_nurse", "school_nurse")
    ]
    if busy:
        ill = busy[len(busy) // 2].worker
        absence_record(
            actor=None,
            worker=ill,
            start=_aware(monday, 0),
            end=_aware(monday + dt.timedelta(days=3), 0),
            reason="ill",
        )
    # home help: visits from tomorrow on may start within an hour either side
    home_help = [dw.worker.pk for dw in demo_workers if dw.worker.service.name == "Lapsiperheiden kotipalvelu"]
    start = _aware(today + dt.timedelta(days=1), 0)
    for a in Appointment.objects.filter(
        planned_start__gte=start,
        location_kind=Appointment.LocationKind.CLIENT_HOME,
        participants__resource__worker__in=home_help,
        participants__role="primary",
        status=Appointment.Status.PLANNED,
    ).only("id", "planned_start"):
        if rnd.random() < 0.7:
            Appointment.objects.filter(pk=a.pk).update(
                window_start=a.planned_start - dt.timedelta(minutes=60),
                window_end=a.planned_start + dt.timedelta(minutes=60),
            )


def _network_demo(rnd, demo_workers, today) -> int:
    """The network meeting on one call (seeds/004): a network whose members keep every
    other Wednesday 14-16 free, network meetings of families with many services, past
    ones with what was agreed and upcoming ones, booked through the slot search and the
    booking service like a user's; critical client groups of some families."""
    from perhekeskus.families import selectors as family_selectors
    from perhekeskus.families import services as family_services
    from perhekeskus.families.models import ClientGroup, FamilyClientGroup, MeetingNetwork

    work_type = family_selectors.meeting_work_type()
    if work_type is None:
        return 0
    wednesday = today + dt.timedelta(days=(3 - today.isoweekday()) % 7)
    network = MeetingNetwork.objects.create(
        name="Varkauden perhekeskusverkosto",
        weekday=3,
        start_time=dt.time(14),
        end_time=dt.time(16),
        every_weeks=2,
        first_date=wednesday - dt.timedelta(weeks=8),
    )
    by_service: dict[int, list] = {}
    for dw in demo_workers:
        if dw.client_types:
            by_service.setdefault(dw.worker.service_id, []).append(dw.worker)
    members = [w for workers in by_service.values() for w in workers[:3]]
    network.members.set(members)
    responsible = list(
        NamedWorker.objects.filter(role=NamedWorker.Role.RESPONSIBLE_WORKER, end_date__isnull=True)
        .select_related("worker", "family")
        .order_by("family_id")[:400]
    )
    rnd.shuffle(responsible)
    made = 0
    for n, named in enumerate(responsible[:24]):
        convener = named.worker
        others = [w for w in members if w.service_id != convener.service_id]
        invited = rnd.sample(others, min(len(others), rnd.randint(2, 4)))
        past = n % 2 == 0
        after = dt.datetime.combine(
            today - dt.timedelta(days=rnd.randint(20, 60)) if past else today + dt.timedelta(days=1),
            dt.time(8),
            tzinfo=family_selectors.HELSINKI,
        )
        slots = family_selectors.meeting_slots(
            workers=[convener, *invited], minutes=60, network=network, after=after, weeks=4, limit=5
        )
        if past:  # a meeting already held: the first proposal that has ended by now
            slots = [s for s in slots if s.end <= timezone.now()]
        if not slots:
            continue
        meeting = family_services.meeting_convene(
            actor=None,
            family=named.family,
            convener=convener,
            invited=invited,
            work_type=work_type,
            start=slots[0].start,
            end=slots[0].end,
            requested_by=rnd.choice(["professional", "family"]),
            consent_given_by=rnd.choice(["Äiti", "Isä", "Huoltajat yhdessä"]) + ", puhelimessa",
            assessment="Perheellä on useita palveluita; koolle ne, joita perhe toivoo.",
            network=network,
        )
        made += 1
        if past:
            from perhekeskus.scheduling.services import appointment_realise

            appointment_realise(actor=None, appointment=meeting.appointment)
            family_services.meeting_record(
                actor=None,
                meeting=meeting,
                agreed=rnd.choice(
                    [
                        "Perhetyö jatkaa kotikäynnein, perheneuvolan arvio odottaa. Päällekkäinen arviointi perutaan.",
                        "Perhekumppani tukee arjessa, kuraattori seuraa koulunkäyntiä.",
                        "Vanhemmat ohjataan vertaisryhmään, neuvola seuraa.",
                    ]
                ),
                continues_with=rnd.choice([convener, *invited]),
                next_check=today + dt.timedelta(days=rnd.randint(7, 60)),
            )
    groups = [c.value for c in ClientGroup]
    rows = [
        FamilyClientGroup(
            family_id=named.family_id,
            group=rnd.choice(groups),
            start_date=today - dt.timedelta(days=rnd.randint(30, 400)),
        )
        for named in responsible[:120]
    ]
    FamilyClientGroup.objects.bulk_create(rows, ignore_conflicts=True)
    return made
