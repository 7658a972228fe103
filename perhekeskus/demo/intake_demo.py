"""Intake demo data: contacts, child welfare notifications and service needs in every
state, some late, through the intake services (timestamps moved into the past after)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Min
from django.utils import timezone

from perhekeskus.intake import clocks, services
from perhekeskus.intake.models import ChildWelfareNotification, Contact, IntakeEvent, ServiceNeed
from perhekeskus.network.models import Organisation, Service
from perhekeskus.people.models import Family, Language, Person, Worker
from perhekeskus.scheduling.models import Appointment, WorkType

# Help-button messages by the age group the sender chose, so that the text agrees with it
# (a "3-6" message does not speak of a nine-year-old).
HELP_MESSAGES = {
    "expecting": [
        "Olen raskaana ja yksin, jännittää miten pärjään vauvan kanssa.",
        "Odotamme ensimmäistä lastamme ja parisuhteemme on kiristynyt. Mistä saisi tukea?",
    ],
    "0-2": [
        "Vauva valvoo öisin ja olemme molemmat aivan lopussa. Mistä saisi apua arkeen?",
        "Vi skulle behöva hjälp med vardagen, vi har tvillingar på ett år.",
    ],
    "3-6": [
        "Meillä on kolme alle kouluikäistä ja kaipaisin lastenhoitoapua muutamaksi tunniksi viikossa.",
        "Nelivuotiaamme kiukkukohtaukset ovat niin rajuja, ettemme enää uskalla lähteä kauppaan.",
    ],
    "7-12": [
        "Tyttäreni on 9-vuotias ja hänellä on raivokohtauksia. Onko tähän jotain ryhmää?",
        "Poikani epäillään olevan ADHD, mutta tutkimuksiin on pitkä jono. Mitä voimme tehdä sillä välin?",
        "My child is being bullied at school and does not want to go there anymore.",
    ],
    "13-17": [
        "Teini-ikäinen poikani ei käy koulussa ja pelaa öisin. En tiedä mitä tehdä.",
        "Nuori on eristäytynyt huoneeseensa eikä juttele kenellekään.",
    ],
    "family": [
        "Erosimme puoli vuotta sitten ja lasten tapaamisista riidellään jatkuvasti.",
        "Puolisoni juo liikaa ja se näkyy lapsille. En halua kertoa nimeäni.",
        "Haluaisin vertaistukea muilta vanhemmilta, onko perhekahvilaa lähellä?",
    ],
}
# How long a queued need has waited, by its urgency: an urgent one days, a normal one weeks.
WAITING_DAYS = {"urgent": [0, 1, 1, 2, 3], "high": [2, 4, 6, 9, 13], "normal": [3, 8, 15, 25, 40, 55]}
PHONE_MESSAGES = [
    "Äiti soitti: jaksaminen vähissä, toivoo kotikäyntiä.",
    "Isä kysyi perheneuvolan jonotilannetta, lapsella unihäiriöitä.",
    "Isovanhempi huolissaan lapsenlapsen hoidosta, ohjattu tekemään lastensuojeluilmoitus tarvittaessa.",
    "Kysymys kotipalvelun maksuista ja saatavuudesta.",
]
CONSULTATIONS = [
    "Päiväkodin opettaja konsultoi nimettömästi: lapsi tulee usein väsyneenä ja nälkäisenä.",
    "Koulukuraattori kysyi, milloin huoli on lastensuojeluilmoituksen arvoinen.",
]
CONCERNS = [
    ("Perhe on toivonut apua kodin arkeen, äiti uupunut.", "Neuvolan terveydenhoitaja", "Äiti, suullisesti"),
    ("Lapsen poissaolot koulusta lisääntyneet, vanhemmat toivovat tukea.", "Koulun kuraattori", "Molemmat huoltajat"),
]
NOTIFICATIONS = [
    ("professional", "Koulu", "Oppilas kertoi, että kotona on väkivaltaa."),
    ("police", "Poliisi, kotihälytys", "Kotihälytys perheriidan vuoksi, lapset paikalla."),
    ("professional", "Päiväkoti", "Lapsi tuodaan hoitoon toistuvasti puutteellisesti vaatetettuna."),
    ("private_person", "Naapuri", "Lapset ovat usein iltaisin yksin kotona."),
    ("professional", "Terveysasema", "Vanhemman päihteiden käyttö huolestuttaa, pieni vauva perheessä."),
    ("family", "Nuori itse", "Nuori pyysi apua, ei halua mennä kotiin."),
]


def _shift(model, pk, **fields) -> None:
    model.objects.filter(pk=pk).update(**fields)


def _backdate_events(filter_kwargs, at) -> None:
    IntakeEvent.objects.filter(**filter_kwargs).update(at=at)


def generate_intake(rnd, today: dt.date) -> dict:
    now = timezone.now()
    region = Organisation.objects.filter(kind="wellbeing_area").order_by("id").first()
    if region is None or Contact.objects.exists():
        return {}
    region.answers_for_municipalities = "Varkaus, Joroinen, Leppävirta"
    region.help_answer_working_days = 2  # the Varkaus two-day promise
    region.social_emergency_phone = "017 000 0000"  # a made-up demo number, not a real line
    region.save(update_fields=["answers_for_municipalities", "help_answer_working_days", "social_emergency_phone"])
    child_protection = Service.objects.filter(name="Lastensuojelu").first()
    if child_protection is not None:
        child_protection.receives_child_welfare_notifications = True
        child_protection.save(update_fields=["receives_child_welfare_notifications"])
    from django.contrib.auth import get_user_model

    User = get_user_model()
    guidance = User.objects.filter(username="palveluohjaaja").first()
    coordinator = User.objects.filter(username="koordinaattori").first()
    families = list(Family.objects.order_by("id").values_list("pk", flat=True)[:400])

    # --- contacts: the last five weeks, every state --------------------------------------
    contacts = 0
    for i in range(40):
        hours_ago = rnd.randint(1, 35 * 24) if i >= 8 else rnd.randint(1, 60)
        received = now - dt.timedelta(hours=hours_ago)
        local = timezone.localtime(received)
        if local.hour < 7:
            received += dt.timedelta(hours=8)
        if received > now:
            received = now - dt.timedelta(minutes=30)
        kind = rnd.random()
        if kind < 0.6:
            contact, _secret = services.help_request_submit(
                municipality=rnd.choice(["Varkaus", "Varkaus", "Joroinen", "Leppävirta", ""]),
                age_group=(age_group := rnd.choice(list(HELP_MESSAGES))),
                message=rnd.choice(HELP_MESSAGES[age_group]),
                answer_by=rnd.choice(["anonymous", "anonymous", "phone", "email"]),
                phone="040 " + str(rnd.randint(1000000, 9999999)),
                email="vanhempi@example.org",
                received_at=received,
            )
        elif kind < 0.8:
            contact = services.contact_record(
                actor=guidance,
                channel=rnd.choice(["phone", "walk_in"]),
                organisation=region,
                message=rnd.choice(PHONE_MESSAGES),
                phone="050 " + str(rnd.randint(1000000, 9999999)),
                received_at=received,
            )
        elif kind < 0.9:
            contact = services.contact_record(
                actor=guidance,
                channel="consultation",
                organisation=region,
                message=rnd.choice(CONSULTATIONS),
                received_at=received,
            )
        else:
            text, reporter, consent = rnd.choice(CONCERNS)
            contact = services.contact_record(
                actor=guidance,
                channel="concern_report",
                organisation=region,
                message=text,
                reporter=reporter,
                consent_given_by=consent,
                family=Family.objects.get(pk=rnd.choice(families)) if families else None,
                phone="044 " + str(rnd.randint(1000000, 9999999)),
                received_at=received,
            )
        _backdate_events({"contact": contact}, received)
        contacts += 1
        age_days = (now - received).days
        # older ones are mostly handled: some on time, some late; a few old ones left open
        if age_days < 2 or rnd.random() < 0.12:
            continue
        answered_after = dt.timedelta(hours=rnd.choice([2, 5, 20, 30, 50, 75, 100]))
        answered = min(received + answered_after, now - dt.timedelta(minutes=5))
        services.contact_claim(actor=guidance, contact=contact)
        if rnd.random() < 0.3:
            services.contact_answer(actor=guidance, contact=contact, answer="Kiitos viestistä. Soitamme sinulle.")
            _shift(Contact, contact.pk, claimed_at=answered, first_answered_at=answered)
        else:
            outcome = rnd.choice(["advice", "advice", "referred", "no_action"])
            services.contact_close(
                actor=guidance,
                contact=contact,
                outcome=outcome,
                service=Service.objects.filter(name="Perhetyö").first() if outcome == "referred" else None,
                answer="Kiitos viestistä. Tässä ohjeita ja yhteystiedot, joista saat apua.",
            )
            _shift(Contact, contact.pk, claimed_at=answered, first_answered_at=answered, closed_at=answered)
        _backdate_events({"contact": contact, "action__in": ["claimed", "answered", "closed"]}, answered)

    # --- child welfare notifications: the last four months ------------------------------------
    notifications = 0
    cp_workers = list(Worker.objects.filter(service=child_protection, profession="social_worker"))
    if child_protection is not None and cp_workers and families:
        for i in range(18):
            days_ago = 0 if i == 0 else rnd.choice([0, 1, 2, 4, 6, 9, 12, 20, 35, 50, 70, 85, 95, 110, 120])
            received = now - dt.timedelta(days=days_ago, hours=rnd.randint(0, 6))
            if i == 0:
                received = now - dt.timedelta(minutes=20)  # just in: urgency to be assessed now
            notifier, details, content = rnd.choice(NOTIFICATIONS)
            family = Family.objects.get(pk=rnd.choice(families))
            # a notification is about a child: the family's, when the notifier named one
            children = list(Person.objects.filter(memberships__family=family, memberships__role="child").order_by("pk"))
            n = services.notification_record(
                actor=cp_workers[0].user,
                service=child_protection,
                family=family,
                child=rnd.choice(children) if children and rnd.random() < 0.9 else None,
                notifier=notifier,
                notifier_details=details,
                content=content,
                reported_urgent=rnd.random() < 0.15,
                received_at=received,
            )
            _backdate_events({"notification": n}, received)
            notifications += 1
            actor = cp_workers[i % len(cp_workers)].user
            if i == 0:
                continue
            services.notification_assess_urgency(actor=actor, notification=n, is_urgent=rnd.random() < 0.1)
            _shift(ChildWelfareNotification, n.pk, urgency_assessed_at=received + dt.timedelta(hours=2))
            working_days = clocks.working_days_between(clocks.local_date(received), clocks.local_date(now))
            if working_days < 5 or (working_days > 8 and rnd.random() < 0.12):
                continue  # decision pending (sometimes late)
            decided = clocks.end_of_day(
                clocks.add_working_days(clocks.local_date(received), rnd.choice([3, 5, 6, 7, 7, 9]))
            ) - dt.timedelta(hours=6)
            decided = min(decided, now - dt.timedelta(minutes=10))
            decision = rnd.choice(
                ["start_assessment", "start_assessment", "start_assessment", "already_client", "no_action"]
            )
            worker = cp_workers[i % len(cp_workers)]
            services.notification_decide(
                actor=actor,
                notification=n,
                decision=decision,
                worker=worker if decision == "start_assessment" else None,
            )
            _shift(ChildWelfareNotification, n.pk, decided_at=decided)
            if decision == "start_assessment" and days_ago > 60 and rnd.random() < 0.7:
                done = min(received + dt.timedelta(days=rnd.choice([45, 70, 88, 95])), now - dt.timedelta(hours=1))
                services.notification_complete_assessment(
                    actor=actor, notification=n, result=rnd.choice(["client", "other_services", "no_need"])
                )
                _shift(ChildWelfareNotification, n.pk, assessment_completed_at=done)

    # --- service needs: waiting, allocated (with the family's own bookings), in progress, closed
    needs = 0
    types = list(WorkType.objects.filter(work_class="direct_client", is_active=True).select_related("service"))
    languages = {lang.code: lang for lang in Language.objects.all()}
    recent = Appointment.objects.filter(
        family__isnull=False,
        work_type__work_class="direct_client",
        planned_start__range=(now - dt.timedelta(days=70), now + dt.timedelta(days=14)),
    ).order_by("id")
    recent_count = recent.count()
    for i in range(36):
        allocated_from = None
        urgency = rnd.choice(["normal", "normal", "normal", "high", "urgent"])
        if i % 3 and recent_count:
            # a need that was allocated: the booking behind it gives family, type and worker;
            # the more urgent, the sooner after the contact the first visit was
            allocated_from = recent.select_related("work_type__service")[rnd.randrange(recent_count)]
            work_type, family_id = allocated_from.work_type, allocated_from.family_id
            lead = {"urgent": (1, 3), "high": (3, 14)}.get(urgency, (7, 40))
            received = allocated_from.planned_start - dt.timedelta(days=rnd.randint(*lead), hours=rnd.randint(0, 8))
            received = min(received, now - dt.timedelta(days=1))
        else:
            work_type, family_id = rnd.choice(types), rnd.choice(families)
            received = now - dt.timedelta(days=rnd.choice(WAITING_DAYS[urgency]), hours=rnd.randint(0, 8))
        need = services.service_need_record(
            actor=guidance or coordinator,
            family=Family.objects.get(pk=family_id),
            service=work_type.service,
            work_type=work_type,
            source=rnd.choice(["help_button", "phone", "concern_report", "child_welfare", "network_meeting", "worker"]),
            sessions_per_week=rnd.choice([1, 1, 2]),
            session_minutes=rnd.choice([60, 90, 90, 120]),
            weeks=rnd.choice([6, 8, 12]),
            urgency=urgency,
            language=languages.get("sv") if rnd.random() < 0.08 else None,
            home_visits=rnd.random() < 0.6,
            received_at=received,
        )
        _backdate_events({"service_need": need}, received)
        needs += 1
        if allocated_from is None:
            continue  # waiting
        primary = allocated_from.participants.filter(role="primary").values_list("resource__worker", flat=True).first()
        if primary is None:
            continue
        worker = Worker.objects.get(pk=primary)
        mine = Appointment.objects.filter(
            family_id=family_id,
            work_type=work_type,
            participants__resource_id=worker.resource_id,
            planned_start__gte=allocated_from.planned_start,
            planned_start__lt=allocated_from.planned_start + dt.timedelta(weeks=need.weeks),
        )
        allocated_at = min(received + dt.timedelta(days=rnd.randint(1, 3)), allocated_from.planned_start, now)
        ServiceNeed.objects.filter(pk=need.pk).update(
            status="allocated", worker=worker, allocated_at=allocated_at, allocated_by=coordinator
        )
        need.appointments.add(*mine)
        IntakeEvent.objects.create(
            service_need=need, actor=coordinator, action="allocated", details={"worker": worker.pk}
        )
        first = mine.filter(status="realised").aggregate(first=Min("actual_start"))["first"]
        if first is not None:
            ServiceNeed.objects.filter(pk=need.pk).update(status="in_progress", first_help_at=first)
            IntakeEvent.objects.create(service_need=need, actor=None, action="started")
            if i % 4 == 1:
                services.service_need_close(
                    actor=coordinator, need=need, outcome=rnd.choice(["completed", "completed", "referred", "declined"])
                )
    return {"contacts": contacts, "notifications": notifications, "service_needs": needs}
