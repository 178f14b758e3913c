"""A schedule release in Chromium: the organiser moves a talk in the admin (the draft), the public
page keeps the released time until the organiser releases with a comment; then the public page
shows the new time and the change list in Kazakh and Russian, programme.ics gives the talk a
higher SEQUENCE, and the speaker's letter is in the speaker's language. The same with the talk
moved by one drag on the timeline."""

import datetime

import pytest
from django.core import mail
from icalendar import Calendar
from playwright.sync_api import Browser, Page, expect

from roundtable import releases
from tests.e2e.admin import drag, sign_in_to_admin
from tests.factories import (
    ParticipationFactory,
    PersonFactory,
    ProgrammeItemFactory,
    RoundTableFactory,
    organiser,
    release,
)
from tests.letters import deliver_letters

t = datetime.time


@pytest.fixture
def day(transactional_db):
    event = RoundTableFactory(theme_kk="Қауіпсіздік", theme_ru="Безопасность")
    speaker = PersonFactory(email="aigerim@example.kz", language="kk")
    ParticipationFactory(event=event, person=speaker, is_speaker=True)
    ProgrammeItemFactory(event=event, start=t(9, 0), end=t(9, 10), title_ru="Открытие")
    ProgrammeItemFactory(
        event=event,
        start=t(9, 10),
        end=t(9, 20),
        title_ru="Цифровые улики",
        speakers=[speaker],
    )
    return release(event)


def sequences(page: Page, event):
    calendar = Calendar.from_ical(page.request.get(f"/ru/{event.slug}/programme.ics").body())
    return {str(vevent["SUMMARY"]): vevent["SEQUENCE"] for vevent in calendar.events}


def test_an_organiser_moves_a_talk_and_releases_it(page: Page, day):
    talk = day.programme_items.get(title_ru="Цифровые улики")
    organiser(username="chair")
    assert sequences(page, day) == {"Открытие": 0, "Цифровые улики": 0}

    sign_in_to_admin(page, "chair")
    page.goto(f"/admin/roundtable/programmeitem/{talk.pk}/change/")
    page.locator("#id_start").fill("10:00")
    page.locator("#id_end").fill("10:10")
    page.locator('input[name="_save"]').click()
    expect(page.locator(".messagelist")).to_be_visible()

    # The draft is the organisers': the public still sees the released time.
    page.goto(f"/ru/{day.slug}/")
    expect(page.locator(f"#item-{talk.pk} .programme-time")).to_have_text("09:10–09:20")

    page.goto(f"/admin/roundtable/roundtable/{day.pk}/change/")
    page.locator(".object-tools a", has_text="Бағдарлама нұсқасын шығару").click()
    expect(page.locator(".release-change-list")).to_contain_text("09:10–09:20")
    expect(page.locator(".release-change-list")).to_contain_text("10:00–10:10")
    page.locator("#id_comment_kk").fill("Баяндама кейінге ауыстырылды")
    page.locator("#id_comment_ru").fill("Доклад перенесён")
    page.locator('.submit-row input[type="submit"]').click()
    expect(page.locator(".messagelist")).to_contain_text("2-нұсқасы шығарылды")

    page.goto(f"/ru/{day.slug}/")
    expect(page.locator(f"#item-{talk.pk} .programme-time")).to_have_text("10:00–10:10")
    changes = page.locator(".release-changes")
    expect(changes).to_contain_text("Версия 2 программы")
    expect(changes).to_contain_text("Доклад перенесён")
    expect(changes).to_contain_text("Цифровые улики: перенесён с 09:10–09:20 на 10:00–10:10")
    page.goto(f"/kk/{day.slug}/")
    changes = page.locator(".release-changes")
    expect(changes).to_contain_text("Баяндама кейінге ауыстырылды")
    expect(changes).to_contain_text("09:10–09:20 уақытынан 10:00–10:10 уақытына ауыстырылды")

    assert sequences(page, day) == {"Открытие": 0, "Цифровые улики": 1}

    # The worker's part: the letters' task, then the letter's own.
    day.refresh_from_db()
    releases.write_letters.call(day.current_release.pk)
    deliver_letters()
    [letter] = mail.outbox
    assert letter.to == ["aigerim@example.kz"]
    assert letter.subject == "Бағдарлама өзгерді: Қауіпсіздік"
    assert "09:10–09:20 уақытынан 10:00–10:10 уақытына ауыстырылды" in letter.body
    assert "Баяндама кейінге ауыстырылды" in letter.body


def test_one_drag_on_the_timeline_and_a_release_move_a_talk_for_everyone(page: Page, day):
    """What moving one talk 10 minutes later takes an organiser: one drag, then a release."""
    talk = day.programme_items.get(title_ru="Цифровые улики")
    organiser(username="chair")
    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in_to_admin(page, "chair")
    page.goto(f"/admin/roundtable/roundtable/{day.pk}/timeline/")
    drag(page, page.locator(f'[data-item="{talk.pk}"]'), 10)
    expect(page.locator('[data-timeline="status"]')).to_contain_text("Сақталды:")
    talk.refresh_from_db()
    assert (talk.start, talk.end) == (t(9, 20), t(9, 30))

    page.get_by_role("link", name="Бағдарлама нұсқасын шығару").click()
    expect(page.locator(".release-change-list")).to_contain_text("09:20–09:30")
    page.locator('.submit-row input[type="submit"]').click()
    expect(page.locator(".messagelist")).to_contain_text("2-нұсқасы шығарылды")

    page.goto(f"/kk/{day.slug}/")
    expect(page.locator(f"#item-{talk.pk} .programme-time")).to_have_text("09:20–09:30")
    expect(page.locator(".release-changes")).to_contain_text(
        "09:10–09:20 уақытынан 09:20–09:30 уақытына ауыстырылды"
    )
    assert sequences(page, day) == {"Открытие": 0, "Цифровые улики": 1}
    day.refresh_from_db()
    releases.write_letters.call(day.current_release.pk)
    deliver_letters()
    [letter] = mail.outbox
    assert letter.subject == "Бағдарлама өзгерді: Қауіпсіздік"
    assert "09:20–09:30" in letter.body


def test_a_release_page_left_open_while_a_colleague_edits_the_draft_releases_nothing_unseen(
    browser: Browser, live_server, day
):
    """Two organisers: Aigerim opens the release page; Bolat then moves the opening in the item
    form; Aigerim's release is refused with the fresh list, her comment kept, and goes through
    once she has seen it."""
    talk = day.programme_items.get(title_ru="Цифровые улики")
    opening = day.programme_items.get(title_ru="Открытие")
    talk.start, talk.end = t(9, 20), t(9, 30)
    talk.save()
    pages = {}
    for name in ("aigerim", "bolat"):
        organiser(username=name)
        context = browser.new_context(locale="kk-KZ", base_url=live_server.url)
        pages[name] = context.new_page()
        sign_in_to_admin(pages[name], name)
    aigerim, bolat = pages["aigerim"], pages["bolat"]
    try:
        aigerim.goto(f"/admin/roundtable/roundtable/{day.pk}/release/")
        changes = aigerim.locator(".release-change-list")
        expect(changes).to_contain_text("09:20–09:30")
        expect(changes).not_to_contain_text("08:50")
        aigerim.locator("#id_comment_kk").fill("Баяндама кейінге ауыстырылды")

        bolat.goto(f"/admin/roundtable/programmeitem/{opening.pk}/change/")
        bolat.locator("#id_start").fill("08:50")
        bolat.locator("#id_end").fill("09:00")
        bolat.locator('input[name="_save"]').click()
        expect(bolat.locator(".messagelist")).to_be_visible()

        aigerim.locator('.submit-row input[type="submit"]').click()
        expect(aigerim.locator(".errornote")).to_contain_text("басқа біреу өзгертті")
        expect(changes).to_contain_text("08:50")
        expect(aigerim.locator("#id_comment_kk")).to_have_value("Баяндама кейінге ауыстырылды")
        day.refresh_from_db()
        assert day.current_release.version == 1  # nothing released unseen

        aigerim.locator('.submit-row input[type="submit"]').click()
        expect(aigerim.locator(".messagelist")).to_contain_text("2-нұсқасы шығарылды")
        day.refresh_from_db()
        released = {item.title_ru: item.start for item in day.current_release.items.all()}
        assert released == {"Открытие": t(8, 50), "Цифровые улики": t(9, 20)}
    finally:
        for page in pages.values():
            page.context.close()
