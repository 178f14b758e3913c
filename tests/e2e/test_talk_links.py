"""A reader of the English site walks from a talk on the programme to its paper in the published
book, from the paper to its author's speaker page, and from there back to the talk."""

from playwright.sync_api import Page, expect

from proceedings.models import Paper
from roundtable.models import RoundTable
from tests.demo import DEMO_SLUG
from tests.factories import AuthorFactory, PaperFactory, ProceedingsFactory, finished_build

TALK = (
    "Административно-юрисдикционная деятельность ОВД Республики Казахстан: теория и вопросы "
    "практики"
)
# The talk's English title, as the demo gives it, and its paper's.
TALK_IN_ENGLISH = (
    "Administrative and jurisdictional activity of the internal affairs bodies of the Republic of "
    "Kazakhstan: theory and practice"
)
TITLE = "Administrative jurisdiction of the internal affairs bodies of Kazakhstan"


def published_paper_of_the_talk():
    """Koyshken's talk's paper, he its author, in the demo round table's published book."""
    event = RoundTable.objects.get(slug=DEMO_SLUG)
    talk = event.programme_items.get(speakers__slug="koyshken")
    person = talk.speakers.get()
    paper = PaperFactory(
        event=event,
        talk=talk,
        speaker=person,
        language="ru",
        status=Paper.Status.ACCEPTED,
        title_ru=TALK,
        title_en=TITLE,
    )
    AuthorFactory(
        paper=paper,
        person=person,
        surname_ru="Койшкен",
        given_name_ru="Ануар",
        patronymic_ru="Талгатович",
        surname_en="Koyshken",
        given_name_en="Anuar",
        patronymic_en="",
    )
    finished_build(ProceedingsFactory(event=event, published=True), [(paper, 1, 3, 6)])
    return talk


def test_talk_to_paper_to_speaker_and_back_in_english(page: Page, demo_site):
    talk = published_paper_of_the_talk()
    page.goto(f"{demo_site}/en/{DEMO_SLUG}/")

    item = page.locator(f"#item-{talk.pk}")
    item.get_by_role("link", name=TITLE).click()

    expect(page).to_have_url(f"{demo_site}/en/{DEMO_SLUG}/proceedings/{talk.papers.get().pk}/")
    expect(page.locator("#article-title")).to_have_text(TALK)
    page.locator(".article-authors").get_by_role("link", name="Koyshken Anuar").click()

    expect(page).to_have_url(f"{demo_site}/en/{DEMO_SLUG}/speakers/{talk.speakers.get().slug}/")
    expect(page.locator(".papers").get_by_role("link", name=TITLE)).to_be_visible()
    page.locator(".talks").get_by_role("link", name=TALK_IN_ENGLISH).click()

    expect(page).to_have_url(f"{demo_site}/en/{DEMO_SLUG}/#item-{talk.pk}")
    expect(page.locator(f"#item-{talk.pk}")).to_be_in_viewport()
    expect(page.locator(f"#item-{talk.pk}")).to_contain_text(TALK_IN_ENGLISH)
