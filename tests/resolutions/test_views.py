"""The public resolution pages: the text in each language and side by side, who may read it,
amendments and status moves through the pages, versions and their comparison, query counts."""

import io
import re
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from portal.kazakh_latin import to_latin
from resolutions import drafting, exports
from resolutions.models import Amendment, Resolution, ResolutionItem, StatusChange
from tests.factories import RoundTableFactory, organiser, staff
from tests.pages import GLOBAL_DATETIME, page, text_of
from tests.resolutions.view_factories import (
    build_resolution,
    demo_data,
    demo_resolution,
    participant,
    sized_data,
)
from typesetting.printing import render_pdf

pytestmark = pytest.mark.django_db
Status = Resolution.Status


def url(name, language="en", query="", **kwargs):
    with translation.override(language):
        return reverse(f"roundtable:{name}", kwargs=kwargs) + query


@pytest.fixture(scope="module")
def data():
    return demo_data()


@pytest.fixture
def event():
    return RoundTableFactory(slug="public-safety-2025")


@pytest.fixture
def published(event):
    return demo_resolution(event, Status.PUBLISHED)


@pytest.fixture
def discussed(event):
    """The demo resolution under discussion, as the organisers opened it."""
    resolution = demo_resolution(event, Status.DRAFT)
    drafting.change_status(resolution, Status.DISCUSSION, organiser("opener"))
    return resolution


def first_item(resolution):
    return ResolutionItem.objects.filter(section__resolution=resolution).first()


# --- The text ------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_published_text_reads_as_printed(client, published, data, language, event):
    html = page(client, language, "roundtable:resolution", slug=event.slug)
    text = text_of(html)
    other = "ru" if language == "kk" else "kk"
    assert f'<html lang="{language}">' in html
    assert f'<h2 class="resolution-title" lang="{language}">{data["title"][language]}</h2>' in html
    assert data["preamble"][language] in text
    for number, section in enumerate(data["sections"], start=1):
        assert f"{number}. {section['heading'][language]}" in text
        assert section["lead"][language] in text
        for item in section["items"]:
            assert f'<span lang="{language}">{item[language]}</span>' in html
            assert item[other] not in text
    assert data["closing"][language] in text
    assert html.count('class="resolution-item"') == 18
    assert html.count('class="resolution-section"') == 6


def test_english_page_shows_the_russian_text_marked_as_russian(client, published, data, event):
    html = page(client, "en", "roundtable:resolution", slug=event.slug)
    assert f'<h2 class="resolution-title" lang="ru">{data["title"]["ru"]}</h2>' in html
    assert "Adopted on" in text_of(html)


def test_the_latin_page_reads_the_kazakh_text_and_prints_the_kazakh_pdf(
    client, published, data, event
):
    html = page(client, "kk-latn", "roundtable:resolution", slug=event.slug)
    title = to_latin(data["title"]["kk"])
    assert f'<h2 class="resolution-title" lang="kk-Latn">{title}</h2>' in html
    assert data["title"]["ru"] not in html

    response = client.get(url("resolution_pdf", "kk-latn", slug=event.slug))
    assert response["Content-Disposition"].endswith(f'"resolution-{event.slug}-kk.pdf"')
    first_page = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert data["title"]["kk"].split()[0] in first_page


def test_status_says_when_it_was_adopted(client, published, event):
    text = text_of(page(client, "en", "roundtable:resolution", slug=event.slug))
    assert "Adopted on 23 May 2025" in text
    html = page(client, "kk", "roundtable:resolution", slug=event.slug)
    assert '<time datetime="2025-05-23">2025 жылғы 23 мамыр</time>' in html


def test_both_languages_side_by_side(client, published, data, event):
    response = client.get(url("resolution", "en", "?both=1", slug=event.slug))
    html = response.text
    assert 'class="resolution-text resolution-text--both"' in html
    columns = re.findall(r'<article class="resolution-document" lang="(\w+)"', html)
    assert columns == ["kk", "ru"]
    kk, ru = html.split('<article class="resolution-document" lang="ru"')
    for section in data["sections"]:
        assert section["heading"]["kk"] in kk
        assert section["heading"]["ru"] in ru
        for item in section["items"]:
            assert f'<span lang="kk">{item["kk"]}</span>' in kk
            assert f'<span lang="ru">{item["ru"]}</span>' in ru
    assert data["closing"]["kk"] in kk and data["closing"]["ru"] in ru


def test_page_links_exports_and_stylesheet(client, published, event):
    html = page(client, "ru", "roundtable:resolution", slug=event.slug)
    assert f'href="/ru/{event.slug}/resolution.pdf"' in html
    assert f'href="/ru/{event.slug}/resolution.docx"' in html
    assert f'href="/ru/{event.slug}/resolution/?both=1"' in html
    assert "resolutions/resolution.css" in html
    both = client.get(url("resolution", "ru", "?both=1", slug=event.slug)).text
    assert f'href="/ru/{event.slug}/resolution.pdf?both=1"' in both


# --- Who reads ---------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [Status.DRAFT, Status.DISCUSSION, Status.ADOPTED])
def test_unpublished_resolution_is_not_found_for_the_public(client, event, status):
    demo_resolution(event, status)
    for name in ("resolution", "resolution_versions", "resolution_amendments"):
        assert client.get(url(name, slug=event.slug)).status_code == 404


def test_participants_follow_the_discussion_but_not_the_draft(client, event):
    resolution = demo_resolution(event, Status.DRAFT)
    client.force_login(participant(event))
    assert client.get(url("resolution", slug=event.slug)).status_code == 404
    resolution.status = Status.DISCUSSION
    resolution.save()
    assert client.get(url("resolution", slug=event.slug)).status_code == 200


def test_organisers_read_the_draft(client, event):
    demo_resolution(event, Status.DRAFT)
    client.force_login(organiser("aigerim"))
    text = text_of(client.get(url("resolution", slug=event.slug)).text)
    assert "Draft" in text
    assert "Open the discussion" in text


def test_published_resolution_of_an_unpublished_event_is_not_found(client):
    event = RoundTableFactory(published=False)
    demo_resolution(event, Status.PUBLISHED)
    assert client.get(url("resolution", slug=event.slug)).status_code == 404


def test_event_without_a_resolution_has_no_resolution_page(client, event):
    assert client.get(url("resolution", slug=event.slug)).status_code == 404


# --- Who proposes, decides and moves -----------------------------------------------------------

PEOPLE = ["anonymous", "participant", "speaker", "other_participant", "organiser", "staff"]


def sign_in(client, who, event):
    users = {
        "anonymous": lambda: None,
        "participant": lambda: participant(event, "dana"),
        "speaker": lambda: participant(event, "serik", is_speaker=True, is_listed=False),
        "other_participant": lambda: participant(RoundTableFactory(), "bolat"),
        "organiser": lambda: organiser("aigerim"),
        "staff": lambda: staff("guest"),
    }
    user = users[who]()
    if user:
        client.force_login(user)
    return user


def proposal(item, **texts):
    return {"target": f"item-{item.pk}", "reason": "Clearer.", **texts}


def assert_sent_to_login(response, language="en"):
    assert response.status_code == 302
    with translation.override(language):
        assert response["Location"].startswith(reverse("login") + "?next=")


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("anonymous", None),
        ("participant", True),
        ("speaker", True),
        ("other_participant", False),
        ("organiser", True),
        ("staff", False),
    ],
)
def test_who_may_propose(client, discussed, event, who, allowed):
    sign_in(client, who, event)
    form_url = url("resolution_propose", slug=event.slug)
    item = first_item(discussed)
    get = client.get(form_url)
    post = client.post(form_url, proposal(item, text_ru="новый текст"))
    if allowed is None:
        assert_sent_to_login(get)
        assert_sent_to_login(post)
    elif allowed:
        assert get.status_code == 200
        assert post.status_code == 302
        assert post["Location"] == url("resolution_amendments", slug=event.slug)
    else:
        assert get.status_code == post.status_code == 403
    assert Amendment.objects.count() == (1 if allowed else 0)


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("anonymous", None),
        ("participant", False),
        ("other_participant", False),
        ("organiser", True),
        ("staff", False),
    ],
)
def test_who_may_decide(client, discussed, event, who, allowed):
    amendment = Amendment.objects.create(
        resolution=discussed,
        section=first_item(discussed).section,
        item=first_item(discussed),
        text_ru="новый текст",
        proposed_by=participant(event, "author"),
    )
    sign_in(client, who, event)
    response = client.post(
        url("resolution_decide", slug=event.slug, pk=amendment.pk), {"action": "accept"}
    )
    amendment.refresh_from_db()
    if allowed is None:
        assert_sent_to_login(response)
    elif allowed:
        assert response.status_code == 302
        assert amendment.status == Amendment.Status.ACCEPTED
    else:
        assert response.status_code == 403
    if not allowed:
        assert amendment.status == Amendment.Status.PROPOSED


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("anonymous", None),
        ("participant", False),
        ("other_participant", False),
        ("organiser", True),
        ("staff", False),
    ],
)
def test_who_may_move_the_status(client, discussed, event, who, allowed):
    sign_in(client, who, event)
    response = client.post(url("resolution_status", slug=event.slug), {"status": "adopted"})
    discussed.refresh_from_db()
    if allowed is None:
        assert_sent_to_login(response)
    elif allowed:
        assert response.status_code == 302
        assert response["Location"] == url("resolution", slug=event.slug)
    else:
        assert response.status_code == 403
    assert discussed.status == (Status.ADOPTED if allowed else Status.DISCUSSION)


def test_decide_and_status_take_posts_only(client, discussed, event):
    client.force_login(organiser("aigerim"))
    assert client.get(url("resolution_status", slug=event.slug)).status_code == 405


def test_participants_only_see_the_propose_links_during_the_discussion(client, discussed, event):
    client.force_login(participant(event))
    html = client.get(url("resolution", slug=event.slug)).text
    item = first_item(discussed)
    assert f"/resolution/amendments/propose/?target=item-{item.pk}" in html
    assert "Open the discussion" not in html and "Adopt" not in html  # no organiser buttons


def test_no_proposals_outside_the_discussion(client, event):
    demo_resolution(event, Status.ADOPTED)
    client.force_login(participant(event))
    response = client.get(url("resolution_propose", slug=event.slug), follow=True)
    assert "Amendments are proposed while the resolution is under discussion." in response.text


# --- Proposing and deciding ----------------------------------------------------------------------


def test_proposal_is_listed_with_its_texts(client, discussed, event):
    client.force_login(participant(event))
    item = first_item(discussed)
    response = client.post(
        url("resolution_propose", slug=event.slug),
        proposal(item, text_kk="жаңа мәтін;", text_ru="новый текст;"),
        follow=True,
    )
    html = response.text
    text = text_of(html)
    assert "Your amendment has been proposed." in text
    assert "Item 1.1" in text
    assert '<dd lang="kk">жаңа мәтін;</dd>' in html
    assert '<dd lang="ru">новый текст;</dd>' in html
    assert "Clearer." in text
    assert "Proposed" in text
    assert "Accept" not in text  # participants do not decide
    amendment = Amendment.objects.get()
    assert (amendment.item, amendment.section) == (item, item.section)


def test_proposal_of_a_new_item(client, discussed, event):
    client.force_login(participant(event))
    section = discussed.sections.last()
    client.post(
        url("resolution_propose", slug=event.slug),
        {"target": f"section-{section.pk}", "text_ru": "новый пункт."},
    )
    amendment = Amendment.objects.get()
    assert amendment.section == section and amendment.item is None


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "Write the proposed text in at least one language."),
        (
            "ru",
            "Write the proposed text in at least one language.",
        ),  # until the ru catalogue has it
    ],
)
def test_proposal_needs_text_in_some_language(client, discussed, event, language, message):
    client.force_login(participant(event))
    response = client.post(
        url("resolution_propose", language, slug=event.slug),
        proposal(first_item(discussed), text_kk="  "),
    )
    assert response.status_code == 200
    assert f'<html lang="{language}">' in response.text
    with translation.override(language):
        from django.utils.translation import gettext

        assert gettext(message) in response.text
    assert not Amendment.objects.exists()


def test_proposal_target_must_belong_to_this_resolution(client, discussed, event):
    other = demo_resolution(RoundTableFactory(), Status.DISCUSSION)
    client.force_login(participant(event))
    response = client.post(
        url("resolution_propose", slug=event.slug), proposal(first_item(other), text_ru="x")
    )
    assert response.status_code == 200
    assert "Choose an item or a section of this resolution." in response.text
    assert not Amendment.objects.exists()


def propose_and_accept(client, resolution, event, **texts):
    author = participant(event, "author")
    item = first_item(resolution)
    client.force_login(author)
    client.post(url("resolution_propose", slug=event.slug), proposal(item, **texts))
    amendment = Amendment.objects.get()
    client.force_login(organiser("aigerim"))
    response = client.post(
        url("resolution_decide", slug=event.slug, pk=amendment.pk),
        {"action": "accept", "comment": "Agreed."},
        follow=True,
    )
    return amendment, response


def test_accepting_changes_the_public_text_and_saves_a_version(client, discussed, event, data):
    versions = discussed.versions.count()
    new_kk = "полиция мен қоғам арасындағы серіктестікті дамыту;"
    amendment, response = propose_and_accept(client, discussed, event, text_kk=new_kk)
    assert f"Amendment No. {amendment.pk} is accepted" in response.text
    assert discussed.versions.count() == versions + 1
    assert "Agreed." in text_of(response.text)

    for status in (Status.ADOPTED, Status.PUBLISHED):
        client.post(url("resolution_status", slug=event.slug), {"status": status})
    client.logout()
    html = page(client, "kk", "roundtable:resolution", slug=event.slug)
    assert f'<span lang="kk">{new_kk}</span>' in html
    assert data["sections"][0]["items"][0]["kk"] not in html
    # The Russian text was not amended and stays as it was.
    ru = page(client, "ru", "roundtable:resolution", slug=event.slug)
    assert data["sections"][0]["items"][0]["ru"] in ru
    # The public page says which amendment was taken, at the item and in a list.
    assert f'#amendment-{amendment.pk}">№ {amendment.pk} түзету ескерілді</a>' in html
    english = page(client, "en", "roundtable:resolution", slug=event.slug)
    assert "Amendments taken" in english
    assert f"Amendment No. {amendment.pk}</a>: Item 1.1 · proposed by" in english


def test_declining_needs_a_comment(client, discussed, event):
    amendment = Amendment.objects.create(
        resolution=discussed,
        section=first_item(discussed).section,
        text_ru="новый пункт",
        proposed_by=participant(event),
    )
    client.force_login(organiser("aigerim"))
    decide = url("resolution_decide", slug=event.slug, pk=amendment.pk)
    response = client.post(decide, {"action": "decline", "comment": ""}, follow=True)
    assert "Say why the amendment is declined." in response.text
    response = client.post(decide, {"action": "decline", "comment": "Out of scope."}, follow=True)
    assert f"Amendment No. {amendment.pk} is declined." in response.text
    amendment.refresh_from_db()
    assert amendment.status == Amendment.Status.DECLINED
    # Deciding twice is refused with drafting's message, not an error page.
    response = client.post(decide, {"action": "accept"}, follow=True)
    assert "This amendment has already been decided." in response.text


def test_amendment_of_another_resolution_is_not_found(client, discussed, event):
    other = demo_resolution(RoundTableFactory(), Status.DISCUSSION)
    amendment = Amendment.objects.create(
        resolution=other,
        section=other.sections.first(),
        text_ru="x",
        proposed_by=participant(other.event),
    )
    client.force_login(organiser("aigerim"))
    response = client.post(
        url("resolution_decide", slug=event.slug, pk=amendment.pk), {"action": "accept"}
    )
    assert response.status_code == 404


# --- Status moves --------------------------------------------------------------------------------


def test_organiser_opens_adopts_and_publishes(client, event):
    demo_resolution(event, Status.DRAFT)
    user = organiser("aigerim")
    client.force_login(user)
    for status, button in [
        ("discussion", "Open the discussion"),
        ("adopted", "Adopt"),
        ("published", "Publish"),
    ]:
        html = client.get(url("resolution", slug=event.slug)).text
        assert f'name="status" value="{status}"' in html
        assert button in html
        response = client.post(url("resolution_status", slug=event.slug), {"status": status})
        assert response.status_code == 302
    assert list(StatusChange.objects.values_list("to_status", "changed_by")) == [
        ("discussion", user.pk),
        ("adopted", user.pk),
        ("published", user.pk),
    ]


def test_reopening_needs_a_reason(client, published, event):
    client.force_login(organiser("aigerim"))
    html = client.get(url("resolution", slug=event.slug)).text
    assert "Reopen for discussion" in html
    assert '<textarea id="reopen-reason" name="comment"' in html
    status_url = url("resolution_status", slug=event.slug)
    response = client.post(status_url, {"status": "discussion", "confirmed": "1"}, follow=True)
    assert "Say why the adopted resolution is reopened." in response.text
    published.refresh_from_db()
    assert published.status == Status.PUBLISHED
    client.post(status_url, {"status": "discussion", "comment": "A typo in 2.1.", "confirmed": "1"})
    published.refresh_from_db()
    assert published.status == Status.DISCUSSION


def move_order(client, event):
    html = client.get(url("resolution", slug=event.slug)).text
    return re.findall(r'name="status" value="(\w+)">', html)


def test_the_next_step_forward_is_the_first_button(client, event):
    resolution = demo_resolution(event, Status.DRAFT)
    chair = organiser("aigerim")
    client.force_login(chair)
    orders = [move_order(client, event)]
    for status, comment in [
        (Status.DISCUSSION, ""),
        (Status.ADOPTED, ""),
        (Status.PUBLISHED, ""),
    ]:
        drafting.change_status(resolution, status, chair, comment)
        orders.append(move_order(client, event))

    assert orders == [
        ["discussion", "adopted"],  # a new draft: "Open the discussion" first
        ["adopted", "draft"],
        ["published", "discussion"],
        ["adopted", "discussion"],  # published: withdrawing, then reopening, both confirmed
    ]


def test_withdrawing_the_publication_asks_first(client, published, event):
    client.force_login(organiser("aigerim"))
    status_url = url("resolution_status", slug=event.slug)

    response = client.post(status_url, {"status": "adopted"})

    assert response.status_code == 200
    text = text_of(response.text)
    assert "Withdraw the publication? The public no longer sees the resolution" in text
    assert 'name="confirmed" value="1"' in response.text
    published.refresh_from_db()
    assert published.status == Status.PUBLISHED
    client.post(status_url, {"status": "adopted", "confirmed": "1"})
    published.refresh_from_db()
    assert published.status == Status.ADOPTED


def test_reopening_asks_first_and_keeps_the_typed_reason(client, published, event):
    client.force_login(organiser("aigerim"))
    status_url = url("resolution_status", slug=event.slug)

    response = client.post(status_url, {"status": "discussion", "comment": "A typo in 2.1."})

    assert "Reopen the adopted resolution?" in text_of(response.text)
    assert ">A typo in 2.1.</textarea>" in response.text
    published.refresh_from_db()
    assert published.status == Status.PUBLISHED


def test_the_adopt_form_offers_the_earlier_adoption_date_after_a_typo_fix(client, published, event):
    Resolution.objects.filter(pk=published.pk).update(adopted_on=date(2025, 5, 23))
    client.force_login(organiser("aigerim"))
    status_url = url("resolution_status", slug=event.slug)
    client.post(status_url, {"status": "discussion", "comment": "A typo.", "confirmed": "1"})

    html = client.get(url("resolution", slug=event.slug)).text
    assert 'name="adopted_on" value="2025-05-23"' in html
    client.post(status_url, {"status": "adopted", "adopted_on": "2025-05-23"})

    published.refresh_from_db()
    assert (published.status, published.adopted_on) == (Status.ADOPTED, date(2025, 5, 23))
    html = client.get(url("resolution", slug=event.slug)).text
    assert '<time datetime="2025-05-23">' in html


def test_an_organiser_dates_a_first_adoption(client, discussed, event):
    client.force_login(organiser("aigerim"))
    html = client.get(url("resolution", slug=event.slug)).text
    assert f'name="adopted_on" value="{timezone.localdate():%Y-%m-%d}"' in html

    client.post(
        url("resolution_status", slug=event.slug), {"status": "adopted", "adopted_on": "2025-05-22"}
    )

    discussed.refresh_from_db()
    assert discussed.adopted_on == date(2025, 5, 22)


def test_a_move_drafting_does_not_allow_is_explained(client, event):
    demo_resolution(event, Status.DRAFT)
    client.force_login(organiser("aigerim"))
    response = client.post(
        url("resolution_status", slug=event.slug), {"status": "published"}, follow=True
    )
    assert "A resolution cannot go from “Draft” to “Published”." in response.text
    response = client.post(
        url("resolution_status", slug=event.slug), {"status": "nonsense"}, follow=True
    )
    assert "Choose the status to move the resolution to." in response.text


# --- Versions ----------------------------------------------------------------------------------


def test_versions_are_listed_with_compare_controls(client, discussed, event):
    propose_and_accept(client, discussed, event, text_ru="изменённый текст;")
    client.logout()
    client.force_login(participant(event, "reader"))
    html = client.get(url("resolution_versions", slug=event.slug)).text
    text = text_of(html)
    numbers = list(discussed.versions.values_list("number", flat=True))
    assert numbers == [3, 2, 1]
    # Version 1 is the draft as imported: the organisers' only.
    assert html.count('type="radio" name="from"') == 2
    assert html.count('type="radio" name="to"') == 2
    assert "Amendment" in text and "accepted" in text
    assert "opener" in text and "aigerim" in text  # who saved them
    assert "What changed since the discussion" in text
    assert 'href="/en/public-safety-2025/resolution/versions/compare/?from=2&amp;to=3"' in html
    # Each version's moment is a valid HTML date and time (no microseconds).
    moments = re.findall(r'<time datetime="([^"]+T[^"]+)"', html)
    assert moments and all(GLOBAL_DATETIME.match(moment) for moment in moments), moments


def test_compare_marks_insertions_and_deletions(client, discussed, event):
    propose_and_accept(client, discussed, event, text_ru="развивать системное сотрудничество;")
    response = client.get(
        url("resolution_compare", slug=event.slug, query="?from=2&to=3&language=ru")
    )
    html = response.text
    assert response.status_code == 200
    assert '<ol class="diff" lang="ru">' in html
    assert '<li class="diff-row diff-row--changed">' in html
    assert "<del>" in html and "<ins>" in html
    assert "<del>и устойчивое сотрудничество полиции" in html
    assert "<ins>сотрудничество;</ins>" in html
    # Language tabs for the compared text, the chosen one current.
    assert 'hreflang="ru" lang="ru" aria-current="page"' in html
    assert "language=kk" in html and "language=en" in html


def test_compare_defaults_to_the_page_language(client, discussed, event):
    propose_and_accept(client, discussed, event, text_kk="жаңа мәтін;")
    response = client.get(url("resolution_compare", "kk", "?from=2&to=3", slug=event.slug))
    assert '<ol class="diff" lang="kk">' in response.text
    assert "<ins>жаңа мәтін;</ins>" in response.text or "<ins>жаңа" in response.text


def test_what_changed_since_the_discussion(client, discussed, event):
    propose_and_accept(client, discussed, event, text_ru="новый текст;")
    client.post(url("resolution_status", slug=event.slug), {"status": "adopted"})
    html = client.get(url("resolution_versions", slug=event.slug)).text
    link = re.search(r'<a href="([^"]+)">What changed since the discussion</a>', html)
    assert link.group(1).replace("&amp;", "&").endswith("/compare/?from=2&to=4")
    response = client.get(link.group(1).replace("&amp;", "&"))
    # No English text: the English page compares the Russian one, as its pages show it.
    assert '<ol class="diff" lang="ru">' in response.text
    assert "<del>развивать</del><ins>новый</ins>" in response.text


DRAFT_ONLY = "черновой текст, который никто не публиковал;"
DRAFT_WORD = "публиковал"


@pytest.fixture
def republished(event):
    """A resolution drafted (versions 1–3, version 2 holding text that was never published),
    discussed (4), adopted (5) and published (6)."""
    resolution = demo_resolution(event, Status.DRAFT)
    user = organiser("drafter")
    item = first_item(resolution)
    for text in (DRAFT_ONLY, "рекомендация для обсуждения;"):
        item.text_ru = text
        item.save()
        drafting.record_version(resolution, user)
    for status in (Status.DISCUSSION, Status.ADOPTED, Status.PUBLISHED):
        drafting.change_status(resolution, status, user)
    return resolution


def listed_numbers(html):
    return [int(number) for number in re.findall(r'name="to" value="(\d+)"', html)]


@pytest.mark.parametrize(
    ("who", "numbers"),
    [
        ("anonymous", []),  # one version only: nothing to compare, no radio buttons
        ("other_participant", []),
        ("staff", []),
        ("participant", [6, 5, 4]),
        ("organiser", [6, 5, 4, 3, 2, 1]),
    ],
)
def test_versions_never_published_are_the_organisers_and_the_participants(
    client, republished, event, who, numbers
):
    sign_in(client, who, event)
    html = client.get(url("resolution_versions", slug=event.slug)).text
    assert listed_numbers(html) == numbers
    if not numbers:
        assert re.search(r'<th scope="row">6</th>', html)
        assert not re.search(r'<th scope="row">[1-5]</th>', html)
    compare = client.get(url("resolution_compare", query="?from=2&to=6", slug=event.slug))
    if who == "organiser":
        assert compare.status_code == 200
        assert DRAFT_WORD in compare.text
    else:
        assert compare.status_code == 400
        assert "There is no version 2 of this resolution." in compare.text
        assert DRAFT_WORD not in compare.text


def test_participants_compare_from_the_discussion_on(client, republished, event):
    sign_in(client, "participant", event)
    response = client.get(url("resolution_compare", query="?from=4&to=6", slug=event.slug))
    assert response.status_code == 200
    assert (
        client.get(url("resolution_compare", query="?from=3&to=6", slug=event.slug)).status_code
        == 400
    )


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("?from=1&to=99", 400, "There is no version 99 of this resolution."),
        ("?from=abc&to=1", 400, "There is no version abc of this resolution."),
        ("?from=1", 400, "Choose a version."),
        ("", 200, "Choose two versions to compare."),
    ],
)
def test_bad_version_numbers_are_explained(client, published, event, query, status, message):
    response = client.get(url("resolution_compare", slug=event.slug, query=query))
    assert response.status_code == status
    assert message in response.text


# --- Exports -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content_type", "magic"),
    [
        ("resolution_pdf", "application/pdf", b"%PDF"),
        (
            "resolution_docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            b"PK",
        ),
    ],
)
@pytest.mark.parametrize(("query", "languages"), [("", "ru"), ("?both=1", "kk-ru")])
def test_exports_are_served_as_attachments(
    client, published, event, name, content_type, magic, query, languages
):
    response = client.get(url(name, "ru", query, slug=event.slug))
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    extension = name.removeprefix("resolution_")
    assert response["Content-Disposition"] == (
        f'attachment; filename="resolution-{event.slug}-{languages}.{extension}"'
    )
    assert response.content.startswith(magic)


@pytest.fixture
def typesetting(monkeypatch):
    """The PDFs WeasyPrint typesets for the resolution: the real typesetting, counted."""
    typeset = []

    def counted(*args, **kwargs):
        typeset.append(kwargs["title"])
        return render_pdf(*args, **kwargs)

    monkeypatch.setattr(exports, "render_pdf", counted)
    return typeset


def test_the_pdf_is_typeset_once_per_data_version(
    client, published, event, typesetting, django_assert_num_queries
):
    address = url("resolution_pdf", "ru", slug=event.slug)
    first = client.get(address)
    with django_assert_num_queries(1):  # the version (portal/page_cache.py): nothing else
        again = client.get(address)
    for query in ("?utm_source=letter", "?both=2", "?x=1"):  # made-up: the same file
        assert client.get(address + query).content == first.content
    assert again.content == first.content
    assert again["Content-Disposition"] == first["Content-Disposition"]
    assert len(typesetting) == 1
    client.get(url("resolution_pdf", "ru", "?both=1", slug=event.slug))
    assert len(typesetting) == 2  # kk and ru: a file of its own

    item = first_item(published)
    item.text_ru = "исправленная рекомендация;"
    item.save()
    edited = client.get(address)
    assert len(typesetting) == 3
    assert edited.content != first.content
    assert len(PdfReader(io.BytesIO(edited.content)).pages) >= 1


def test_signed_in_readers_get_the_file_typeset_once_and_kept_private(client, event, typesetting):
    demo_resolution(event, Status.DRAFT)
    client.force_login(organiser("aigerim"))
    address = url("resolution_pdf", "ru", slug=event.slug)
    first, again = client.get(address), client.get(address)
    assert again.content == first.content
    assert len(typesetting) == 1
    assert "private" in again["Cache-Control"]
    client.logout()
    assert client.get(address).status_code == 404  # a draft: never shared with the public


def test_the_docx_is_made_once_per_data_version(
    client, published, event, django_assert_num_queries
):
    address = url("resolution_docx", "kk", slug=event.slug)
    first = client.get(address)
    with django_assert_num_queries(1):
        assert client.get(address + "?utm_campaign=x").content == first.content
    assert client.get(address, headers={"If-None-Match": first["ETag"]}).status_code == 304


@pytest.mark.parametrize("name", ["resolution_pdf", "resolution_docx"])
def test_exports_of_a_draft_are_not_found_for_the_public(client, event, name):
    demo_resolution(event, Status.DRAFT)
    assert client.get(url(name, slug=event.slug)).status_code == 404


# --- Query counts --------------------------------------------------------------------------------


@pytest.mark.parametrize(("sections", "items"), [(6, 3), (60, 3), (6, 30)])
def test_resolution_page_queries_do_not_grow_with_the_text(
    client, django_assert_num_queries, event, sections, items
):
    build_resolution(event, sized_data(sections, items), Status.PUBLISHED)
    # the version (portal/page_cache.py), event with its resolution, sections, items,
    # amendments taken
    with django_assert_num_queries(5):
        html = page(client, "kk", "roundtable:resolution", slug=event.slug)
    assert html.count('class="resolution-item"') == sections * items
    with django_assert_num_queries(5):
        client.get(url("resolution", "ru", "?both=1", slug=event.slug))
    with django_assert_num_queries(1):  # the version: the page comes from the cache
        assert page(client, "kk", "roundtable:resolution", slug=event.slug) == html


@pytest.mark.parametrize(("sections", "items", "versions"), [(6, 3, 3), (60, 3, 30)])
def test_versions_page_queries_do_not_grow(
    client, django_assert_num_queries, event, sections, items, versions
):
    resolution = build_resolution(event, sized_data(sections, items), Status.PUBLISHED)
    user = organiser("aigerim")
    for number in range(versions - 1):
        item = first_item(resolution)
        item.text_ru = f"рекомендация {number}"
        item.save()
        drafting.record_version(resolution, user)
    with django_assert_num_queries(2):  # event with its resolution, versions with their authors
        html = page(client, "kk", "roundtable:resolution_versions", slug=event.slug)
    assert html.count('type="radio" name="to"') == versions


@pytest.mark.parametrize(("sections", "amendments"), [(6, 3), (60, 30)])
def test_amendments_page_queries_do_not_grow(
    client, django_assert_num_queries, event, sections, amendments
):
    resolution = build_resolution(event, sized_data(sections, 3), Status.DISCUSSION)
    user = organiser("aigerim")
    items = list(ResolutionItem.objects.filter(section__resolution=resolution)[:amendments])
    for item in items:
        drafting.accept(
            Amendment.objects.create(
                resolution=resolution,
                section=item.section,
                item=item,
                text_ru="x",
                proposed_by=user,
            ),
            user,
        )
    drafting.change_status(resolution, Status.ADOPTED, user)
    drafting.change_status(resolution, Status.PUBLISHED, user)
    # event with its resolution, sections, items, amendments with their authors
    with django_assert_num_queries(4):
        html = page(client, "ru", "roundtable:resolution_amendments", slug=event.slug)
    assert html.count('class="amendment amendment--accepted"') == amendments
    with django_assert_num_queries(5):  # and first the version (portal/page_cache.py)
        html = page(client, "ru", "roundtable:resolution", slug=event.slug)
    assert html.count('class="taken-mark"') == amendments
