"""The programme on the day, in a real browser with its clock set: now and next move on by
themselves when an item ends, the phone's first screen shows the programme, and the search field
filters talks and speakers as one types. All under the site's CSP, with no script error."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, expect

from participants.models import Mode, Registration
from tests.demo import DEMO_SLUG
from tests.e2e.test_csp import watch
from tests.factories import (
    PersonFactory,
    ProgrammeItemFactory,
    RegistrationFactory,
    RoundTableFactory,
    release,
)

ALMATY = ZoneInfo("Asia/Almaty")
DAY = datetime.date(2025, 5, 23)

CONFIRMED = Registration.Status.CONFIRMED


def almaty(hour, minute=0):
    return datetime.datetime.combine(DAY, datetime.time(hour, minute), tzinfo=ALMATY)


@pytest.fixture
def day(transactional_db):
    event = RoundTableFactory(date=DAY, start=datetime.time(9, 0))
    t = datetime.time
    asel = PersonFactory(surname_kk="Қасымова", given_name_kk="Әсел", surname_ru="Касымова")
    ProgrammeItemFactory(event=event, start=t(9, 0), end=t(9, 10), title_ru="Открытие")
    ProgrammeItemFactory(
        event=event,
        start=t(9, 10),
        end=t(9, 30),
        title_kk="Қоғамдық қауіпсіздік",
        title_ru="",
        title_language="kk",
        speakers=[asel],
    )
    ProgrammeItemFactory(event=event, start=t(10, 0), end=t(10, 20), title_ru="Цифровые улики")
    return release(event)


@pytest.fixture
def open_page(browser: Browser, live_server):
    contexts = []

    def opened(timezone_id="Asia/Almaty", **options):
        context = browser.new_context(
            locale="ru-RU", base_url=live_server.url, timezone_id=timezone_id, **options
        )
        contexts.append(context)
        return watch(context)

    yield opened
    for context in contexts:
        context.close()


def test_now_and_next_move_on_without_a_reload(open_page, day):
    page = open_page()
    # The server's clock says the round table is long over; the browser's, that it is on.
    page.clock.install(time=almaty(9, 5))
    page.goto(f"/ru/{day.slug}/")
    block = page.locator(".now-next")
    now, following = (
        block.locator('[data-now-next-row="now"]'),
        block.locator('[data-now-next-row="next"]'),
    )
    expect(now).to_contain_text("Открытие")
    expect(now).to_contain_text("09:00–09:10")
    expect(following).to_contain_text("Қоғамдық қауіпсіздік")
    expect(following).to_contain_text("через 5 минут")
    expect(block.locator("[data-now-next-status]")).to_be_hidden()
    page.evaluate("window.loaded = true")  # gone if the page reloads

    page.clock.run_for("05:30")  # 09:10:30: the opening has ended
    expect(now).to_contain_text("Қоғамдық қауіпсіздік")
    expect(following).to_contain_text("Цифровые улики")
    expect(following).to_contain_text("через 50 минут")

    page.clock.run_for("20:00")  # 09:30:30: a gap
    expect(now).to_be_hidden()
    expect(following).to_contain_text("через 30 минут")

    page.clock.run_for("50:00")  # 10:20:30: over
    expect(block.locator("[data-now-next-status]")).to_have_text("Круглый стол завершён.")
    expect(following).to_be_hidden()
    assert page.evaluate("window.loaded") is True
    assert page.problems == [], "\n".join(page.problems)


def test_before_the_day_the_block_says_when_it_begins_and_notes_another_clock(open_page, day):
    page = open_page(timezone_id="Europe/London")
    page.clock.install(time=almaty(8, 15) - datetime.timedelta(days=1))
    page.goto(f"/ru/{day.slug}/")
    status = page.locator("[data-now-next-status]")
    expect(status).to_have_text("Круглый стол начнётся 23 мая 2025 г. в 09:00.")
    # 09:00 in Almaty (UTC+5) is 05:00 in London in summer (UTC+1).
    expect(page.locator("[data-local-time-note]")).to_have_text(
        "По часам этого устройства программа начинается в 05:00."
    )
    page.clock.run_for("24:00:00")  # 08:15 on the day
    expect(status).to_have_text("Круглый стол начнётся сегодня в 09:00.")
    expect(page.locator('[data-now-next-row="next"]')).to_contain_text("через 45 минут")
    assert page.problems == [], "\n".join(page.problems)


def test_the_phones_first_screen_shows_the_programme(open_page, demo_site):
    page = open_page(viewport={"width": 375, "height": 667}, is_mobile=True, has_touch=True)
    page.clock.install(time=datetime.datetime(2025, 5, 23, 10, 0, tzinfo=ALMATY))
    page.goto(f"/kk/{DEMO_SLUG}/")
    first_item = page.locator(".programme-list > li").first
    page.screenshot(path="var/test-results/programme-on-a-phone.png")
    expect(page.locator(".now-next")).to_be_in_viewport()
    expect(first_item).to_be_in_viewport()
    box = first_item.bounding_box()
    assert box["y"] + 40 <= 667, box  # its time and the start of its title, not just its edge
    assert page.evaluate("document.documentElement.scrollWidth") <= 375  # no sideways scroll
    assert page.problems == [], "\n".join(page.problems)


def test_the_search_field_filters_as_one_types(open_page, day):
    page = open_page()
    page.goto(f"/ru/{day.slug}/")
    items = page.locator(".programme-list > li")
    field = page.get_by_label("Найти доклад или докладчика")
    field.fill("ҚАСЫМОВА")  # her name in Kazakh, in capitals
    expect(items.filter(visible=True)).to_have_count(1)
    expect(items.filter(visible=True)).to_contain_text("Қоғамдық қауіпсіздік")
    expect(page.locator("[data-programme-filter-result]")).to_have_text("Найден 1 пункт.")
    field.fill("касымова")  # and in Russian
    expect(items.filter(visible=True)).to_have_count(1)
    field.fill("нет такого")
    expect(items.filter(visible=True)).to_have_count(0)
    expect(page.locator("[data-programme-filter-result]")).to_have_text("Найдено 0 пунктов.")
    field.fill("")
    expect(items.filter(visible=True)).to_have_count(3)
    assert page.problems == [], "\n".join(page.problems)


def test_the_registrants_page_runs_under_the_policy(open_page, day):
    registration = RegistrationFactory(event=day, mode=Mode.ONLINE, status=CONFIRMED)
    page = open_page()
    page.clock.install(time=almaty(9, 5))
    page.goto(f"/ru/{day.slug}/registration/{registration.token}/")
    expect(page.locator('[data-now-next-row="now"]')).to_contain_text("Открытие")
    assert page.problems == [], "\n".join(page.problems)
