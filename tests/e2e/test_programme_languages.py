"""The demo round table's page in the browser: the programme in Kazakh, the switch to Russian and
the English interface around talks that keep their own language."""

from playwright.sync_api import Page, expect

from tests.demo import DEMO_SLUG

EVENT = DEMO_SLUG
PROGRAMME_ROWS = 27


def test_kazakh_programme_then_switch_to_russian(page: Page, demo_site):
    page.goto(f"{demo_site}/kk/{EVENT}/")

    expect(page.locator("html")).to_have_attribute("lang", "kk")
    expect(page.locator(".programme-item")).to_have_count(PROGRAMME_ROWS)
    koyshken_talk = page.locator(".programme-item").filter(has_text="КОЙШКЕН")
    expect(koyshken_talk).to_be_visible()
    expect(koyshken_talk).to_contain_text("Талғатұлы", use_inner_text=True)

    page.locator('nav.language-switcher a[hreflang="ru"]').click()

    expect(page).to_have_url(f"{demo_site}/ru/{EVENT}/")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.get_by_text("КОЙШКЕН Ануар Талгатович").first).to_be_visible()
    # innerText: only what is rendered counts, as for a reader.
    expect(page.locator("body")).not_to_contain_text("Талғатұлы", use_inner_text=True)


def test_english_page_reads_the_programme_in_english(page: Page, demo_site):
    page.goto(f"{demo_site}/en/{EVENT}/")

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Programme", exact=True)).to_be_visible()
    expect(page.locator(".programme-item")).to_have_count(PROGRAMME_ROWS)
    talk = page.locator(".programme-item").filter(
        has_text="World practice of introducing the service model of policing"
    )
    expect(talk).to_be_visible()
    expect(talk).not_to_contain_text("Мировая практика", use_inner_text=True)
    # The speaker's name in Latin letters and the position in English: nothing says "in Russian".
    koishken = page.locator(".programme-item").filter(has_text="KOISHKEN Anuar Talgatuly")
    expect(koishken).to_contain_text("Senior Lecturer of the Department of Administrative Law")
    expect(page.locator("body")).not_to_contain_text("(in Russian)", use_inner_text=True)
