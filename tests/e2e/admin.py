"""The organiser's side of the browser tests: signing in to the admin, dragging on the timeline."""

import re

from playwright.sync_api import Page, expect

from tests import factories


def sign_in_to_admin(page: Page, username):
    page.goto("/admin/login/?next=/admin/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(factories.PASSWORD)
    page.locator('input[type="submit"]').click()
    expect(page).to_have_url(re.compile(r"/admin/$"))


PX_PER_MINUTE = 3  # as roundtable/static/roundtable/timeline.js draws the day


def drag(page: Page, block, minutes):
    """One drag of a timeline `block` by `minutes` with the mouse: press, move, release."""
    block.scroll_into_view_if_needed()
    box = block.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 3
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x, y + minutes * PX_PER_MINUTE, steps=8)
    page.mouse.up()
