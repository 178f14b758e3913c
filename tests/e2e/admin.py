"""The organiser's side of the browser tests: signing in to the admin."""

import re

from playwright.sync_api import Page, expect

from tests import factories


def sign_in_to_admin(page: Page, username):
    page.goto("/admin/login/?next=/admin/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(factories.PASSWORD)
    page.locator('input[type="submit"]').click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
