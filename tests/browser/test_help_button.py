"""The public help button in real Chromium, in Finnish, Swedish and English: filled in
and sent anonymously, the answer read back with the codes, and axe-core finds no
serious or critical accessibility violation on the form, the receipt or the answer page."""

import pytest
from django.core.cache import cache

from perhekeskus.intake import services
from perhekeskus.intake.models import Contact
from perhekeskus.network.models import Organisation
from perhekeskus.people.roles import SERVICE_GUIDANCE
from tests.browser.conftest import serious
from tests.factories import make_user

pytestmark = pytest.mark.django_db(transaction=True)

TEXTS = {
    "fi": {"title": "Pyydä apua", "send": "Lähetä", "sent": "Kiitos", "read": "Näytä vastaus"},
    "sv": {"title": "Be om hjälp", "send": "Skicka", "sent": "Tack", "read": "Visa svaret"},
    "en": {"title": "Ask for help", "send": "Send", "sent": "Thank you", "read": "Show the answer"},
}


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_help_button_in_three_languages(page, live_server, lang):
    cache.clear()
    Organisation.objects.create(name="Alue", kind="wellbeing_area", answers_for_municipalities="Varkaus")
    guidance = make_user(f"ohjaaja-{lang}", SERVICE_GUIDANCE)
    page.context.add_cookies([{"name": "django_language", "value": lang, "url": live_server.url}])
    page.goto(f"{live_server.url}/help/")
    t = TEXTS[lang]
    assert page.locator("h1").inner_text() == t["title"]
    assert page.locator("html").get_attribute("lang") == lang
    assert serious(page) == []

    # a missing answer channel detail gets a clear error, the text stays
    page.fill("#id_message", "Vauva valvoo öisin, emme jaksa.")
    page.select_option("#id_age_group", "0-2")
    page.select_option("#id_municipality", "Varkaus")
    page.check("#id_answer_by_0")  # call me
    page.get_by_role("button", name=t["send"]).click()
    assert page.locator("#id_phone + .error, .has-error .error").count() >= 1
    assert page.input_value("#id_message") == "Vauva valvoo öisin, emme jaksa."
    assert serious(page) == []
    assert Contact.objects.count() == 0

    page.check("#id_answer_by_2")  # anonymously
    page.get_by_role("button", name=t["send"]).click()
    page.wait_for_url("**/help/sent/")
    assert t["sent"] in page.locator("h1").inner_text()
    reference = page.locator("#reference code").inner_text()
    secret = page.locator("#secret code").inner_text()
    assert serious(page) == []
    contact = Contact.objects.get()
    assert contact.reference == reference and contact.language == lang

    services.contact_answer(actor=guidance, contact=contact, answer="Tervetuloa perhekahvilaan torstaina.")
    page.goto(f"{live_server.url}/help/answer/")
    page.fill("#id_reference", reference)
    page.fill("#id_secret", secret)
    page.get_by_role("button", name=t["read"]).click()
    assert "Tervetuloa perhekahvilaan torstaina." in page.locator("#answer").inner_text()
    assert reference not in page.url and secret not in page.url
    assert serious(page) == []
