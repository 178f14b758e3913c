import pytest
from django.core import mail
from django.utils import translation

from speakers import letters
from tests.factories import PersonFactory, RoundTableFactory

pytestmark = pytest.mark.django_db

LETTER = {
    "note_subject.txt": "{% load i18n %}{% get_current_language as code %}[{{ code }}] "
    "{{ event.theme }}\n",
    "note.txt": "{% load i18n %}{% autoescape off %}{% get_current_language as code %}"
    "{{ person.full_name }} <{{ code }}> {{ event.theme }} {% url 'login' %}{% endautoescape %}",
    "note.html": "{% load i18n %}{% get_current_language as code %}"
    '<p lang="{{ code }}">{{ event.theme }}</p>',
}


@pytest.fixture
def note(settings, tmp_path):
    """A letter `note` in a template directory of its own, with an HTML version."""
    folder = tmp_path / "speakers" / "letters"
    folder.mkdir(parents=True)
    for name, text in LETTER.items():
        (folder / name).write_text(text, encoding="utf-8")
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [tmp_path, *engine["DIRS"]]}]
    return "note"


def event():
    return RoundTableFactory(theme_kk="Қоғамдық қауіпсіздік", theme_ru="Общественная безопасность")


@pytest.mark.parametrize(
    ("language", "theme", "name"),
    [("kk", "Қоғамдық қауіпсіздік", "ҚОЙШЫБАЕВ"), ("ru", "Общественная безопасность", "КОЙШИБАЕВ")],
)
def test_a_letter_is_written_in_the_persons_language(note, language, theme, name):
    person = PersonFactory(email="asel@example.kz", language=language)
    letters.send_letter(person, note, {"event": event()})
    [message] = mail.outbox
    assert message.subject == f"[{language}] {theme}"  # one line: the trailing newline goes
    assert name in message.body and theme in message.body
    assert f"/{language}/accounts/login/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and f'<p lang="{language}">{theme}</p>' == html
    assert translation.get_language() == "en"  # the caller's language is back


def test_a_letter_goes_to_the_person_from_the_site_address(note, settings):
    settings.DEFAULT_FROM_EMAIL = "Round tables <noreply@roundtable.example.kz>"
    person = PersonFactory(email="asel@example.kz")
    sent = letters.send_letter(person, note, {"event": event()}, reply_to=["org@example.kz"])
    [message] = mail.outbox
    assert message.subject == sent.subject
    assert message.to == ["asel@example.kz"]
    assert message.from_email == "Round tables <noreply@roundtable.example.kz>"
    assert message.reply_to == ["org@example.kz"]


def test_the_html_version_is_optional():
    person = PersonFactory(email="asel@example.kz", language="ru")
    letters.send_letter(person, "invitation", letter_context())
    assert mail.outbox[0].alternatives == []


def test_a_person_without_an_address_gets_no_letter():
    person = PersonFactory(email="")
    with pytest.raises(letters.NoAddress, match="has no e-mail address"):
        letters.send_letter(person, "invitation", letter_context())
    assert mail.outbox == []


def letter_context():
    return {
        "event": event(),
        "link": "https://example.kz/x/",
        "login_link": "https://example.kz/login/",
        "account_email": "asel@example.kz",
        "has_password": False,
        "valid_days": 14,
        "invited_by": None,
    }
