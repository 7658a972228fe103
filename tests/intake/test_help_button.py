"""The public help button: stored first, anonymous follow-up by codes, spam defences
that do not hurt real people, and clear errors in the sender's language."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from perhekeskus.intake import clocks, services
from perhekeskus.intake.models import Contact, IntakeEvent

URL = "/help/"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def form(**overrides):
    data = {
        "message": "Vauva itkee öisin, emmekä jaksa enää.",
        "age_group": "0-2",
        "municipality": "Varkaus",
        "answer_by": "anonymous",
        "phone": "",
        "email": "",
        "contact_name": "",
        "website": "",
    }
    data.update(overrides)
    return data


def test_anonymous_request_is_stored_with_its_clock_and_read_back_with_the_codes(client, region, guidance):
    response = client.post(URL, form())
    assert response.status_code == 302 and response["Location"] == reverse("intake:help_sent")
    contact = Contact.objects.get()
    assert contact.channel == "help_button" and contact.organisation == region["org"]
    assert contact.contact_name == "" and contact.phone == "" and contact.email == ""
    assert contact.due_at == clocks.help_answer_due(contact.received_at, 2)
    assert IntakeEvent.objects.filter(contact=contact, action="received").count() == 1

    receipt = client.get(reverse("intake:help_sent"))
    reference, secret = receipt.context["sent"]["reference"], receipt.context["sent"]["secret"]
    assert reference == contact.reference and secret and secret not in contact.secret_hash
    assert "no-store" in receipt["Cache-Control"]
    # shown once: a reload no longer has the codes
    assert client.get(reverse("intake:help_sent")).status_code == 302

    waiting = client.post(reverse("intake:help_answer"), {"reference": reference.lower(), "secret": secret})
    assert waiting.status_code == 200 and waiting.context["contact"] == contact
    assert not waiting.context["contact"].public_answer

    services.contact_answer(actor=guidance, contact=contact, answer="Soita neuvolaan, autamme mielellämme.")
    answered = client.post(reverse("intake:help_answer"), {"reference": reference, "secret": secret})
    assert "Soita neuvolaan, autamme mielellämme." in answered.content.decode()


def test_wrong_secret_reads_nothing(client, region):
    contact, secret = services.help_request_submit(
        municipality="Varkaus", age_group="", message="Huoli", answer_by="anonymous"
    )
    wrong = "A" * len(secret) if secret != "A" * len(secret) else "B" * len(secret)
    response = client.post(reverse("intake:help_answer"), {"reference": contact.reference, "secret": wrong})
    assert response.status_code == 404 and response.context["contact"] is None
    assert "Huoli" not in response.content.decode()


def test_named_sender_keeps_only_what_the_chosen_answer_needs(client, region):
    client.post(URL, form(answer_by="phone", phone="040 123 4567", email="x@example.org", contact_name="Maija"))
    contact = Contact.objects.get()
    assert (contact.phone, contact.email, contact.contact_name) == ("040 123 4567", "", "Maija")
    assert contact.secret_hash == ""


def test_missing_phone_gets_a_clear_error_and_nothing_is_stored(client, region):
    response = client.post(URL, form(answer_by="phone"))
    assert response.status_code == 400
    assert response.context["form"].errors["phone"]
    assert "Vauva itkee" in response.content.decode()  # the text is kept for the sender
    assert Contact.objects.count() == 0


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("fi", "Anna puhelinnumero tai valitse toinen tapa saada vastaus."),
        ("sv", "Ange ett telefonnummer eller välj ett annat sätt att få svaret."),
    ],
)
def test_errors_in_the_senders_language(client, region, language, text):
    client.cookies["django_language"] = language
    response = client.post(URL, form(answer_by="phone"))
    assert response.status_code == 400
    assert text in response.content.decode()


def test_honeypot_refuses_with_a_message_and_stores_nothing(client, region):
    response = client.post(URL, form(website="http://spam.example"))
    assert response.status_code == 400
    assert response.context["form"].errors["website"]
    assert Contact.objects.count() == 0


def test_size_limit(client, region, settings):
    settings.HELP_MAX_BODY_BYTES = 5000
    response = client.post(URL, form(message="x" * 6000))
    assert response.status_code == 413
    assert Contact.objects.count() == 0
    too_long = client.post(URL, form(message="x" * 4001))
    assert too_long.status_code == 400 and too_long.context["form"].errors["message"]


def test_rate_limit_per_address(client, region, settings):
    settings.HELP_RATE_LIMIT = 3
    for _ in range(3):
        assert client.post(URL, form(), REMOTE_ADDR="10.0.0.1").status_code == 302
    refused = client.post(URL, form(), REMOTE_ADDR="10.0.0.1")
    assert refused.status_code == 429
    assert "Vauva itkee" in refused.content.decode()  # nothing the sender wrote is lost
    assert client.post(URL, form(), REMOTE_ADDR="10.0.0.2").status_code == 302  # another address
    assert Contact.objects.count() == 4


def test_lookup_is_rate_limited(client, region, settings):
    settings.HELP_LOOKUP_RATE_LIMIT = 2
    for _ in range(2):
        assert client.post(reverse("intake:help_answer"), {"reference": "AAAA", "secret": "B"}).status_code == 404
    assert client.post(reverse("intake:help_answer"), {"reference": "AAAA", "secret": "B"}).status_code == 429


def test_unknown_municipality_goes_to_the_first_answering_organisation(client, region, other_org):
    client.post(URL, form(municipality="-"))
    client.post(URL, form(municipality="Kemi"))
    orgs = list(Contact.objects.order_by("id").values_list("organisation__name", flat=True))
    assert orgs == ["Hyvinvointialue", "Toinen kunta"]


def test_no_client_data_in_addresses(client, region):
    response = client.post(URL, form())
    assert response["Location"] == reverse("intake:help_sent")  # no message, no codes
    page = client.get(reverse("intake:help_answer")).content.decode()
    # the codes travel in a POST body, never in an address
    assert '<form method="post" action="/help/answer/"' in page
    assert 'method="get"' not in page.lower()


def test_reference_codes_are_unique_and_unambiguous(region):
    refs = {
        services.help_request_submit(municipality="", age_group="", message="m", answer_by="anonymous")[0].reference
        for _ in range(30)
    }
    assert len(refs) == 30
    assert not any(ch in "".join(refs) for ch in "01IO")


def test_received_time_sets_the_clock(region):
    received = dt.datetime(2026, 12, 23, 10, tzinfo=clocks.HELSINKI)
    contact, _secret = services.help_request_submit(
        municipality="Varkaus", age_group="", message="m", answer_by="anonymous", received_at=received
    )
    assert clocks.due_day(contact.due_at) == dt.date(2026, 12, 29)
    assert timezone.is_aware(contact.due_at)
