"""An organiser plans the day on the timeline in Chromium, in Kazakh, on a 1366×768 laptop: one
drag moves a talk 10 minutes later and nothing else; the keys move another by 5 minutes twice; a
talk dragged onto a time when its speaker speaks in another room is refused with the nearest free
time offered as a button, which applies it; undo puts the last move back; a talk stretched onto
the next one moves the later ones too when asked. The page never scrolls sideways."""

import datetime

import pytest
from playwright.sync_api import Browser, Page, expect

from roundtable.models import ProgrammeItem
from tests import factories
from tests.e2e.admin import PX_PER_MINUTE, drag, sign_in_to_admin
from tests.factories import PersonFactory, ProgrammeItemFactory, RoomFactory, RoundTableFactory

LAPTOP = {"width": 1366, "height": 768}


@pytest.fixture
def chair(browser: Browser, live_server, transactional_db):
    """An organiser signed in to the admin in Chromium, in Kazakh, on a 1366×768 laptop."""
    factories.organiser("chair")
    context = browser.new_context(locale="kk-KZ", base_url=live_server.url, viewport=LAPTOP)
    page = context.new_page()
    sign_in_to_admin(page, "chair")
    yield page
    context.close()


def at(hour, minute=0):
    return datetime.time(hour, minute)


def place(item):
    item = ProgrammeItem.objects.get(pk=item.pk)
    return item.start, item.end, item.room_id


def test_an_organiser_plans_the_day_with_mouse_and_keys(chair: Page):
    event = RoundTableFactory(theme_kk="Қоғамдық қауіпсіздік")
    room = RoomFactory(event=event, name_kk="Б залы", order=1)
    serik = PersonFactory(surname_kk="Серіков", given_name_kk="Серік")
    first = ProgrammeItemFactory(
        event=event, start=at(10), end=at(10, 20), title_kk="Бірінші", title_language="kk"
    )
    second = ProgrammeItemFactory(
        event=event, start=at(10, 30), end=at(10, 50), title_kk="Екінші", title_language="kk"
    )
    ProgrammeItemFactory(
        event=event,
        room=room,
        start=at(11),
        end=at(11, 15),
        title_kk="Б залында",
        title_language="kk",
        speakers=[serik],
    )
    late = ProgrammeItemFactory(
        event=event,
        start=at(12),
        end=at(12, 15),
        title_kk="Серіктің екіншісі",
        title_language="kk",
        speakers=[serik],
    )
    page = chair
    page.goto(f"/admin/roundtable/roundtable/{event.pk}/change/")
    page.get_by_role("link", name="Күнді уақыт кестесінде жоспарлау").click()
    block = page.locator(f'[data-item="{first.pk}"]')
    expect(block).to_contain_text("Бірінші")
    assert page.evaluate("document.scrollingElement.scrollWidth") <= LAPTOP["width"]
    status = page.locator('[data-timeline="status"]')
    moves = []  # what the page sends the server
    page.on("request", lambda r: moves.append(r) if r.url.endswith("/move/") else None)

    # The mouse: one drag, and nothing else, moves the talk 10 minutes later.
    drag(page, block, 10)
    expect(status).to_contain_text("Сақталды: «Бірінші», 10:10–10:30")
    assert place(first) == (at(10, 10), at(10, 30), None)
    assert place(second) == (at(10, 30), at(10, 50), None)  # the next one stayed
    assert len(moves) == 1

    # The keys: Down and Escape puts it back unsaved; Down and Enter, twice, saves.
    talk = page.locator(f'[data-item="{second.pk}"]')
    talk.focus()
    page.keyboard.press("ArrowDown")
    expect(talk).to_contain_text("10:35–10:55")
    page.keyboard.press("Escape")
    expect(talk).to_contain_text("10:30–10:50")
    assert len(moves) == 1
    for now in ("10:35–10:55", "10:40–11:00"):
        talk.focus()
        page.keyboard.press("ArrowDown")
        page.keyboard.press("Enter")
        expect(status).to_contain_text(f"Сақталды: «Екінші», {now}")
    assert place(second) == (at(10, 40), at(11), None)

    # Serik speaks in room B at 11:00–11:15: his hall talk dragged to 11:05 warns while it
    # moves, is refused, and the offered 11:15 is one click.
    moved = page.locator(f'[data-item="{late.pk}"]')
    moved.scroll_into_view_if_needed()
    box = moved.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 3
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x, y - 55 * PX_PER_MINUTE, steps=10)
    expect(page.locator(".timeline-item.is-double-booked")).to_have_count(1)
    expect(status).to_contain_text("Б залында")
    page.mouse.up()
    alert = page.locator('[data-timeline="alert"]')
    expect(alert).to_contain_text("баяндама жасайды (Б залы)")
    expect(alert).to_contain_text("11:15 уақытына ауыстыру керек пе?")
    assert place(late) == (at(12), at(12, 15), None)
    page.locator('[data-timeline="fix"]').click()
    expect(status).to_contain_text("Сақталды: «Серіктің екіншісі», 11:15–11:30")
    assert place(late) == (at(11, 15), at(11, 30), None)

    # Undo: the last move goes back, checked by the server as any move.
    page.keyboard.press("Control+z")
    expect(status).to_contain_text("Қайтарылды: «Серіктің екіншісі»")
    assert place(late) == (at(12), at(12, 15), None)

    # The bottom edge of the first talk dragged onto the second: asked, the later items of
    # the hall move too, by as much as the first now ends later.
    block.scroll_into_view_if_needed()
    box = block.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] - 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x, y + 15 * PX_PER_MINUTE, steps=8)
    expect(page.locator(".timeline-item.is-overlapping")).to_have_count(1)
    expect(status).to_contain_text("«Екінші» (10:40–11:00) тармағымен қабаттасады")
    page.mouse.up()
    expect(page.locator('[data-timeline="alert"]')).to_contain_text("«Екінші» (10:40–11:00)")
    page.get_by_role("button", name="Кейінгі тармақтарды да жылжыту").click()
    expect(status).to_contain_text("Сақталды: «Бірінші», 10:10–10:45")
    assert place(first) == (at(10, 10), at(10, 45), None)
    assert place(second) == (at(10, 45), at(11, 5), None)
    assert place(late) == (at(12, 5), at(12, 20), None)  # the hall's later items, all
    assert page.evaluate("document.scrollingElement.scrollWidth") <= LAPTOP["width"]


def test_items_without_a_time_are_dragged_or_keyed_onto_the_day_and_undone_off_it(chair: Page):
    event = RoundTableFactory(theme_kk="Қоғамдық қауіпсіздік")
    room = RoomFactory(event=event, name_kk="Б залы", order=1)
    for start, end, title in ((at(10), at(10, 20), "Бірінші"), (at(10, 20), at(10, 40), "Екінші")):
        ProgrammeItemFactory(event=event, start=start, end=end, title_kk=title, title_language="kk")
    late = ProgrammeItemFactory(
        event=event, start=None, end=None, title_kk="Кешіккен баяндама", title_language="kk"
    )
    closing = ProgrammeItemFactory(
        event=event,
        start=None,
        end=None,
        kind=ProgrammeItem.Kind.CLOSING,
        title_kk="Қорытынды",
        title_language="kk",
    )
    page = chair
    page.goto(f"/admin/roundtable/roundtable/{event.pk}/timeline/")
    tray = page.locator('[data-timeline="tray"]')
    expect(tray).to_contain_text("Кешіккен баяндама")
    status = page.locator('[data-timeline="status"]')

    # The mouse: the late talk from the tray onto room B at 11:00, as long as the day's talks.
    chip = tray.locator(f'[data-untimed="{late.pk}"]')
    box = chip.bounding_box()
    column = page.locator(".timeline-column").nth(1).bounding_box()
    mark = page.locator(".timeline-axis span", has_text="11:00").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(column["x"] + column["width"] / 2, mark["y"] + mark["height"] / 2, steps=10)
    expect(page.locator(f'[data-item="{late.pk}"]')).to_contain_text("11:00–11:20")
    page.mouse.up()
    expect(status).to_contain_text("Сақталды: «Кешіккен баяндама», 11:00–11:20, Б залы")
    assert place(late) == (at(11), at(11, 20), room.pk)
    expect(tray.locator(f'[data-untimed="{late.pk}"]')).to_have_count(0)

    # The keys: Enter puts the closing after the hall's last item, Down moves it, Enter saves.
    tray.locator(f'[data-untimed="{closing.pk}"]').focus()
    page.keyboard.press("Enter")
    block = page.locator(f'[data-item="{closing.pk}"]')
    expect(block).to_contain_text("10:40–11:00")
    expect(block).to_be_focused()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(status).to_contain_text("Сақталды: «Қорытынды», 10:45–11:05")
    assert place(closing) == (at(10, 45), at(11, 5), None)

    # Undo takes it off the timeline again, back to the tray.
    page.keyboard.press("Control+z")
    expect(status).to_contain_text("Қайтарылды: «Қорытынды» қайтадан уақыт кестесінен тыс.")
    assert place(closing) == (None, None, None)
    expect(tray.locator(f'[data-untimed="{closing.pk}"]')).to_be_focused()
    assert page.evaluate("document.scrollingElement.scrollWidth") <= LAPTOP["width"]


def test_a_push_that_would_book_a_speaker_twice_is_offered_a_further_push_in_one_click(chair: Page):
    event = RoundTableFactory(theme_kk="Қоғамдық қауіпсіздік")
    room = RoomFactory(event=event, name_kk="Б залы", order=1)
    dana = PersonFactory(surname_kk="Данова", given_name_kk="Дана")
    first = ProgrammeItemFactory(
        event=event, start=at(10), end=at(10, 20), title_kk="Бірінші", title_language="kk"
    )
    second = ProgrammeItemFactory(
        event=event,
        start=at(10, 20),
        end=at(10, 40),
        title_kk="Дананың баяндамасы",
        title_language="kk",
        speakers=[dana],
    )
    ProgrammeItemFactory(
        event=event,
        room=room,
        start=at(10, 45),
        end=at(11),
        title_kk="Б залында",
        title_language="kk",
        speakers=[dana],
    )
    page = chair
    page.goto(f"/admin/roundtable/roundtable/{event.pk}/timeline/")
    block = page.locator(f'[data-item="{first.pk}"]')
    block.scroll_into_view_if_needed()
    box = block.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] - 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x, y + 10 * PX_PER_MINUTE, steps=8)
    page.mouse.up()
    page.get_by_role("button", name="Кейінгі тармақтарды да жылжыту").click()
    alert = page.locator('[data-timeline="alert"]')
    expect(alert).to_contain_text("11:00 уақытында басталатындай")
    assert place(second) == (at(10, 20), at(10, 40), None)
    fix = page.locator('[data-timeline="fix"]')
    expect(fix).to_have_text("Кейінгі тармақтарды 11:00 уақытында басталатындай жылжыту")
    fix.click()
    status = page.locator('[data-timeline="status"]')
    expect(status).to_contain_text("Сақталды: «Бірінші», 10:00–10:30")
    assert place(first) == (at(10), at(10, 30), None)
    assert place(second) == (at(11), at(11, 20), None)
    page.keyboard.press("Control+z")
    expect(status).to_contain_text("Қайтарылды: «Бірінші»")
    assert place(second) == (at(10, 20), at(10, 40), None)
