"""The resolution from draft to published in the browser: the organiser opens the discussion, a
participant proposes an amendment, the organiser accepts it, adopts and publishes, and a visitor
reads the amended text and sees the amendment taken."""

from playwright.sync_api import Browser, Page, expect

from resolutions.models import Amendment, Resolution, ResolutionItem
from tests.factories import RoundTableFactory, organiser
from tests.resolutions.view_factories import (
    PASSWORD,
    demo_data,
    demo_resolution,
    participant,
)

SLUG = "public-safety-2025"
NEW_KK = "полиция мен азаматтық қоғам арасындағы тұрақты ынтымақтастықты дамыту;"
NEW_RU = "развивать устойчивое сотрудничество полиции и гражданского общества;"


def sign_in(page: Page, username, next_path):
    page.goto(f"/en/accounts/login/?next={next_path}")
    page.get_by_label("E-mail").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(next_path)
    expect(page.get_by_role("button", name=f"Sign out ({username})")).to_be_visible()


def test_amendment_from_proposal_to_published_text(
    page: Page, browser: Browser, live_server, transactional_db
):
    event = RoundTableFactory(slug=SLUG)
    resolution = demo_resolution(event, Resolution.Status.DRAFT)
    first = ResolutionItem.objects.filter(section__resolution=resolution).first()
    original = demo_data()["sections"][0]["items"][0]
    organiser("aigerim")
    participant(event, "dana")
    text_url = f"/en/{SLUG}/resolution/"

    # The organiser opens the discussion from the resolution page.
    sign_in(page, "aigerim", text_url)
    expect(page.locator(".resolution-status")).to_have_text("Draft")
    page.get_by_role("button", name="Open the discussion").click()
    expect(page.get_by_role("status").filter(has_text="Under discussion")).to_be_visible()
    expect(page.locator(".resolution-status")).to_have_text("Under discussion")

    # A participant, in a browser of their own, proposes a new wording of item 1.1.
    context = browser.new_context(locale="kk-KZ", base_url=live_server.url)
    try:
        other = context.new_page()
        sign_in(other, "dana", text_url)
        expect(other.locator(f"#item-{first.pk}")).to_contain_text(original["ru"])
        other.get_by_role("link", name="Propose an amendment", exact=True).click()
        other.get_by_label("What do you propose to change?").select_option(f"item-{first.pk}")
        other.get_by_label("Proposed text in Kazakh").fill(NEW_KK)
        other.get_by_label("Proposed text in Russian").fill(NEW_RU)
        other.get_by_label("Reason").fill("Shorter and clearer.")
        other.get_by_role("button", name="Propose the amendment").click()
        expect(other.get_by_role("status")).to_contain_text("Your amendment has been proposed.")
        proposed = other.locator(".amendment")
        expect(proposed).to_have_count(1)
        expect(proposed).to_contain_text("Item 1.1")
        expect(proposed.locator('dd[lang="kk"]')).to_have_text(NEW_KK)
        expect(proposed.get_by_role("button", name="Accept")).to_have_count(0)
    finally:
        context.close()
    amendment = Amendment.objects.get()

    # The organiser accepts it, adopts the resolution and publishes it.
    page.goto(f"/en/{SLUG}/resolution/amendments/")
    card = page.locator(f"#amendment-{amendment.pk}")
    card.get_by_label("Organisers' comment (required to decline)").fill("Agreed at the table.")
    card.get_by_role("button", name="Accept").click()
    expect(page.get_by_role("status")).to_contain_text(f"Amendment No. {amendment.pk} is accepted")
    expect(card.locator(".amendment-status")).to_have_text("Accepted")
    page.goto(text_url)
    expect(page.locator(f"#item-{first.pk}")).to_contain_text(NEW_RU)
    page.get_by_role("button", name="Adopt").click()
    expect(page.locator(".resolution-status")).to_contain_text("Adopted on")
    page.get_by_role("button", name="Publish").click()
    expect(page.locator(".resolution-status")).to_contain_text("Adopted on")
    expect(page.get_by_role("button", name="Reopen for discussion")).to_be_visible()

    # A visitor who is not signed in reads the amended text, marked as taken.
    visitor = browser.new_context(locale="kk-KZ", base_url=live_server.url)
    try:
        anonymous = visitor.new_page()
        anonymous.goto(f"/kk/{SLUG}/resolution/")
        item = anonymous.locator(f"#item-{first.pk}")
        expect(item.locator('span[lang="kk"]')).to_have_text(NEW_KK)
        expect(anonymous.locator("main")).not_to_contain_text(original["kk"])
        expect(item.locator(".taken-mark")).to_be_visible()
        anonymous.goto(f"/en/{SLUG}/resolution/?both=1")
        expect(anonymous.locator('article[lang="ru"]')).to_contain_text(NEW_RU)
        taken = anonymous.locator(".amendments-taken")
        expect(taken.get_by_role("heading", name="Amendments taken")).to_be_visible()
        expect(taken).to_contain_text(f"Amendment No. {amendment.pk}: Item 1.1")
        expect(anonymous.get_by_role("button", name="Adopt")).to_have_count(0)
    finally:
        visitor.close()


def test_both_languages_stay_side_by_side_in_print(page: Page, live_server, transactional_db):
    demo_resolution(RoundTableFactory(slug=SLUG), Resolution.Status.PUBLISHED)
    page.set_viewport_size({"width": 600, "height": 900})  # narrow: on screen they stack
    page.goto(f"/ru/{SLUG}/resolution/?both=1")
    kk, ru = page.locator('article[lang="kk"]'), page.locator('article[lang="ru"]')
    expect(ru).to_be_visible()
    assert ru.bounding_box()["y"] > kk.bounding_box()["y"] + kk.bounding_box()["height"] - 1

    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".event-nav")).to_be_hidden()
    expect(page.get_by_role("link", name="Download PDF")).to_be_hidden()
    expect(kk).to_be_visible()
    assert ru.bounding_box()["x"] > kk.bounding_box()["x"] + kk.bounding_box()["width"] - 1
    assert abs(ru.bounding_box()["y"] - kk.bounding_box()["y"]) < 1
