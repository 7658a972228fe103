"""The anonymous sender's conversation: the codes open it for half an hour (never in an
address), the sender reads their own messages back with the answers, and may reply once
something is answered; the reply is a contact of its own on the inbox's clock. The
receipt names the answer day in a sentence's case ("torstaina")."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import translation

from perhekeskus.intake import services
from perhekeskus.intake.models import Contact
from perhekeskus.intake.templatetags.dates import at_time, on_day

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(region):
    cache.clear()
    contact, secret = services.help_request_submit(
        municipality="Varkaus", age_group="0-2", message="Vauva valvoo öisin.", answer_by="anonymous"
    )
    return contact, secret


def test_a_reply_waits_for_an_answer_and_continues_the_conversation(sent, guidance):
    contact, _secret = sent
    with pytest.raises(ValidationError) as early:
        services.help_reply_submit(contact=contact, message="Vieläkö?")
    assert "__all__" in early.value.message_dict and not contact.replies.exists()
    services.contact_answer(actor=guidance, contact=contact, answer="Tervetuloa perhekahvilaan.")
    with pytest.raises(ValidationError) as empty:
        services.help_reply_submit(contact=contact, message="   ")
    assert "message" in empty.value.message_dict
    reply = services.help_reply_submit(contact=contact, message="Kiitos, tulemme.")
    assert (reply.reply_to, reply.answer_by, reply.channel) == (contact, "anonymous", "help_button")
    assert reply.status == "new"
    assert reply.secret_hash == "" and reply.reference != contact.reference
    assert reply.due_at > reply.received_at  # on its own answer clock
    assert services.help_thread(reply) == [contact, reply] == services.help_thread(contact)
    # a reply to the reply still hangs on the first message
    services.contact_answer(actor=guidance, contact=reply, answer="Hienoa!")
    again = services.help_reply_submit(contact=reply, message="Vielä yksi kysymys.")
    assert again.reply_to == contact


def test_the_answer_page_shows_the_conversation_and_takes_a_reply(client, sent, guidance):
    contact, secret = sent
    services.contact_answer(actor=guidance, contact=contact, answer="Tervetuloa perhekahvilaan.")
    assert client.post("/help/reply/", {"message": "Hei"}).status_code == 302  # no codes given: nothing saved
    assert not contact.replies.exists()
    page = client.post("/help/answer/", {"reference": contact.reference, "secret": secret}).content.decode()
    assert "Vauva valvoo öisin." in page and "Tervetuloa perhekahvilaan." in page
    assert 'action="/help/reply/"' in page
    done = client.post("/help/reply/", {"message": "Kiitos, tulemme tiistaina."})
    assert done.status_code == 302 and done["Location"] == "/help/answer/"
    assert contact.replies.get().message == "Kiitos, tulemme tiistaina."
    thread = client.get("/help/answer/").content.decode()  # the session keeps it open
    assert "Kiitos, tulemme tiistaina." in thread and contact.reference not in thread
    too_long = client.post("/help/reply/", {"message": "x" * 4001})
    assert too_long.status_code == 400 and contact.replies.count() == 1


def test_a_reply_opens_no_other_conversation(client, sent, guidance):
    contact, secret = sent
    other, _ = services.help_request_submit(
        municipality="Varkaus", age_group="", message="Toinen", answer_by="anonymous"
    )
    services.contact_answer(actor=guidance, contact=contact, answer="Vastaus")
    services.contact_answer(actor=guidance, contact=other, answer="Toinen vastaus")
    client.post("/help/answer/", {"reference": contact.reference, "secret": secret})
    session = client.session
    session["help_thread"]["id"] = other.pk + 10_000  # a tampered id finds nothing
    session.save()
    assert client.post("/help/reply/", {"message": "Hei"}).status_code == 302
    assert Contact.objects.filter(reply_to__isnull=False).count() == 0


def test_dates_in_a_sentence():
    thursday = dt.date(2026, 12, 3)
    with translation.override("fi"):
        assert on_day(thursday) == "torstaina 3.12.2026"
        assert at_time(dt.datetime(2026, 12, 1, 9, 21, tzinfo=dt.UTC)) == "1.12.2026 klo 11.21"
    with translation.override("sv"):
        assert on_day(thursday) == "torsdagen 3.12.2026"
    with translation.override("en"):
        assert on_day(thursday) == "on Thursday 3.12.2026"
