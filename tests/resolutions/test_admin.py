import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone

from resolutions import drafting
from resolutions.models import Resolution, ResolutionItem, ResolutionSection
from tests.factories import (
    AmendmentFactory,
    ResolutionItemFactory,
    ResolutionSectionFactory,
    RoundTableFactory,
    UserFactory,
    organiser,
    resolution_with,
)
from tests.pages import admin_form_data, change_url, shown

pytestmark = pytest.mark.django_db

Status = Resolution.Status


@pytest.fixture
def chair(client):
    """A signed-in organiser whose browser asks for English."""
    user = organiser(username="aigerim")
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return user


def texts(section):
    return [(item.text_kk, item.text_ru) for item in section.items.all()]


# --- Editing items inline -------------------------------------------------------------------------


def test_organiser_edits_a_sections_items_inline_and_a_version_appears(chair, client):
    resolution = resolution_with(sections=2, items=2)
    section = resolution.sections.last()
    url = change_url(section)
    data = admin_form_data(client.get(url))
    data["items-1-text_ru"] = "развивать цифровые сервисы для граждан;"
    data["items-2-text_kk"] = "азаматтармен кері байланыс орнату;"
    data["items-2-text_ru"] = "налаживать обратную связь с гражданами;"

    response = client.post(url, data, follow=True)

    assert response.redirect_chain, response.context["adminform"].form.errors
    section.refresh_from_db()
    assert texts(section)[1:] == [
        (section.items.all()[1].text_kk, "развивать цифровые сервисы для граждан;"),
        ("азаматтармен кері байланыс орнату;", "налаживать обратную связь с гражданами;"),
    ]
    assert [item.position for item in section.items.all()] == [1, 2, 3]
    version = resolution.versions.get()
    assert (version.number, version.created_by) == (1, chair)
    lines = drafting.lines_of(version.content, "ru")
    assert "– налаживать обратную связь с гражданами;" in lines
    assert not any("has items without" in message for message in shown(response))


def test_saving_again_without_a_change_records_no_new_version(chair, client):
    resolution = resolution_with(sections=1, items=2)
    drafting.record_version(resolution, chair)
    url = change_url(resolution)

    response = client.post(url, admin_form_data(client.get(url)))

    assert response.status_code == 302
    assert resolution.versions.count() == 1


def test_an_item_written_in_kazakh_only_is_saved_with_a_warning(chair, client):
    resolution = resolution_with(sections=2, items=1)
    section = resolution.sections.last()
    url = change_url(section)
    data = admin_form_data(client.get(url))
    data["items-1-text_kk"] = "тек қазақша жазылған ұсыныс;"

    response = client.post(url, data, follow=True)

    assert "Section 2 has items without a Russian text." in shown(response)
    assert texts(section)[-1] == ("тек қазақша жазылған ұсыныс;", "")
    assert resolution.versions.count() == 1


def test_an_item_may_be_written_in_russian_first(chair, client):
    section = ResolutionSectionFactory()
    ResolutionItemFactory(section=section)
    url = change_url(section)
    data = admin_form_data(client.get(url)) | {"items-1-text_ru": "сначала по-русски;"}

    response = client.post(url, data, follow=True)

    assert texts(section)[-1] == ("", "сначала по-русски;")
    assert "Section 1 has items without a Kazakh text." in shown(response)


def test_an_item_needs_a_kazakh_or_russian_text(chair, client):
    section = ResolutionSectionFactory()
    item = ResolutionItemFactory(section=section)
    url = change_url(section)
    data = admin_form_data(client.get(url)) | {"items-0-text_kk": "", "items-0-text_ru": ""}

    response = client.post(url, data | {"items-0-text_en": "English only"})

    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert formset.errors[0] == {"__all__": ["Write the item in Kazakh or in Russian."]}
    item.refresh_from_db()
    assert item.text_ru.startswith("поддерживать")


def test_organiser_writes_a_new_resolution_with_its_sections(chair, client):
    event = RoundTableFactory()
    url = reverse("admin:resolutions_resolution_add")
    data = admin_form_data(client.get(url)) | {
        "event": str(event.pk),
        "title_kk": "Дөңгелек үстелдің қарары",
        "title_ru": "Резолюция круглого стола",
        "sections-TOTAL_FORMS": "2",
        "sections-0-heading_kk": "Серіктестік",
        "sections-0-heading_ru": "Партнерство",
        "sections-1-heading_kk": "Ашықтық",
    }

    response = client.post(url, data, follow=True)

    resolution = Resolution.objects.get(event=event)
    assert resolution.status == "draft"
    assert [(s.position, s.heading_kk) for s in resolution.sections.all()] == [
        (1, "Серіктестік"),
        (2, "Ашықтық"),
    ]
    version = resolution.versions.get()
    assert drafting.lines_of(version.content, "kk") == [
        "Дөңгелек үстелдің қарары",
        "1. Серіктестік",
        "2. Ашықтық",
    ]
    assert response.redirect_chain[-1][0] == reverse("admin:resolutions_resolution_changelist")


def test_the_resolution_page_edits_its_sections_inline_and_links_to_their_items(chair, client):
    resolution = resolution_with(sections=2, items=3)
    first = resolution.sections.first()
    url = change_url(resolution)
    page = client.get(url)
    html = page.text

    assert f'href="{change_url(first)}">3 items</a>' in html
    data = admin_form_data(page)
    data["sections-0-heading_ru"] = "Партнерство полиции и общества"
    data["title_en"] = "Resolution of the round table"
    response = client.post(url, data)

    assert response.status_code == 302
    first.refresh_from_db()
    resolution.refresh_from_db()
    assert first.heading_ru == "Партнерство полиции и общества"
    assert resolution.title_en == "Resolution of the round table"
    assert resolution.versions.count() == 1


def test_dragging_sections_reorders_and_renumbers_them(chair, client):
    resolution = resolution_with(sections=3, items=1)
    first, second, third = resolution.sections.all()
    url = change_url(resolution)
    data = admin_form_data(client.get(url))
    # What the sortable script writes into the hidden position inputs after a drag and drop:
    # the third section moved to the top.
    data |= {"sections-0-position": "2", "sections-1-position": "3", "sections-2-position": "1"}

    assert client.post(url, data).status_code == 302

    assert list(resolution.sections.all()) == [third, first, second]
    lines = drafting.lines_of(resolution.versions.get().content, "ru")
    assert f"1. {third.heading_ru}" in lines
    changelist = client.get(
        reverse("admin:resolutions_resolutionsection_changelist"),
        {"resolution__id__exact": resolution.pk},
    )
    numbers = {row.heading: row.number for row in changelist.context["cl"].result_list}
    assert numbers == {third.heading: 1, first.heading: 2, second.heading: 3}


def test_a_deleted_section_leaves_the_others_numbered_in_order(chair, client):
    resolution = resolution_with(sections=3, items=1)
    first, _second, third = resolution.sections.all()
    url = change_url(resolution)
    data = admin_form_data(client.get(url)) | {"sections-1-DELETE": "on"}

    assert client.post(url, data).status_code == 302

    assert [(s.pk, s.position) for s in resolution.sections.all()] == [(first.pk, 1), (third.pk, 2)]


def test_deleting_a_section_renumbers_the_others_and_records_a_version(chair, client):
    resolution = resolution_with(sections=3, items=1)
    first, second, third = resolution.sections.all()

    response = client.post(
        reverse("admin:resolutions_resolutionsection_delete", args=[first.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert [(s.pk, s.position) for s in resolution.sections.all()] == [
        (second.pk, 1),
        (third.pk, 2),
    ]
    assert drafting.lines_of(resolution.versions.get().content, "ru")[2] == (
        f"1. {second.heading_ru}"
    )


def test_a_section_added_on_its_own_page_comes_last(chair, client):
    resolution = resolution_with(sections=2, items=1)
    url = reverse("admin:resolutions_resolutionsection_add")
    data = admin_form_data(client.get(url)) | {
        "resolution": str(resolution.pk),
        "heading_kk": "Қорытынды",
        "heading_ru": "Заключение",
        "items-TOTAL_FORMS": "1",
        "items-0-text_kk": "ұсыныс;",
        "items-0-text_ru": "предложение;",
    }

    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    added = resolution.sections.last()
    assert (added.heading_ru, added.position, texts(added)) == (
        "Заключение",
        3,
        [("ұсыныс;", "предложение;")],
    )
    assert drafting.lines_of(resolution.versions.get().content, "ru")[-3] == "3. Заключение"


# --- Drag and drop and language tabs are set up ---------------------------------------------------


def scripts_of(html):
    return re.findall(r'<script src="/static/([^"]+)"', html)


@pytest.mark.parametrize("page", ["resolution", "section"])
def test_sortable_and_tabbed_scripts_are_on_the_page_and_all_exist(chair, client, page):
    resolution = resolution_with(sections=2, items=2)
    obj = resolution if page == "resolution" else resolution.sections.first()
    prefix = "sections" if page == "resolution" else "items"

    html = client.get(change_url(obj)).text

    scripts = scripts_of(html)
    assert any(script.startswith("adminsortable2/js/adminsortable2") for script in scripts)
    assert "modeltranslation/js/tabbed_translation_fields.js" in scripts
    assert "vendor/jquery-ui/jquery-ui.min.js" in scripts
    assert "googleapis" not in html
    # adminsortable2 2.3.1 names a patched actions.js for Django 6.1 that it does not ship.
    assert [script for script in scripts if not finders.find(script)] == []
    # The inline is sortable: its fieldset is marked for the script, rows carry the position.
    assert re.search(
        rf'<fieldset class="module [^"]*sortable[^"]*" aria-labelledby="{prefix}', html
    )
    assert f'name="{prefix}-0-position"' in html
    assert 'class="_reorder_"' in html


def test_the_language_tabs_group_each_text_in_kk_ru_and_en(chair, client):
    section = ResolutionSectionFactory()
    ResolutionItemFactory(section=section)

    html = client.get(change_url(section)).text

    for code in ("kk", "ru", "en"):
        assert f'name="items-0-text_{code}"' in html
        assert f"mt-field-text-{code}" in html
        assert f"mt-field-heading-{code}" in html


# --- Frozen text ----------------------------------------------------------------------------------


@pytest.fixture
def adopted(chair):
    resolution = resolution_with(sections=2, items=2)
    drafting.change_status(resolution, Status.ADOPTED, chair)
    return resolution


def test_an_adopted_resolution_is_shown_read_only(chair, client, adopted):
    response = client.get(change_url(adopted))

    assert response.status_code == 200
    assert not response.context["has_change_permission"]
    assert 'name="title_kk"' not in response.text
    assert 'name="_save"' not in response.text
    assert adopted.title_ru in response.text
    assert shown(response) == [
        "The resolution is adopted and its text is frozen. Reopen it to make changes."
    ]
    section_page = client.get(change_url(adopted.sections.first()))
    assert section_page.status_code == 200
    assert 'name="items-0-text_ru"' not in section_page.text
    for html in (response.text, section_page.text):
        assert "sortable" not in re.findall(r'<fieldset class="module ([^"]*)"', html)[-1]
        assert "field-position" not in html


def test_saving_adopted_text_is_refused_and_the_text_stays(chair, client, adopted):
    section = adopted.sections.first()
    before = texts(section)
    url = change_url(section)
    data = admin_form_data(client.get(change_url(resolution_with().sections.first())))

    response = client.post(url, data | {"heading_ru": "Изменено", "items-0-text_ru": "Изменено"})

    assert response.status_code == 403
    section.refresh_from_db()
    assert section.heading_ru != "Изменено"
    assert texts(section) == before
    resolution_post = client.post(change_url(adopted), {"title_kk": "Өзгертілді"})
    assert resolution_post.status_code == 403
    adopted.refresh_from_db()
    assert adopted.title_kk != "Өзгертілді"
    assert adopted.versions.count() == 1


def test_a_section_cannot_be_added_to_adopted_text(chair, client, adopted):
    url = reverse("admin:resolutions_resolutionsection_add")
    data = admin_form_data(client.get(url)) | {
        "resolution": str(adopted.pk),
        "heading_kk": "Қосымша",
    }

    response = client.post(url, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [
        "The resolution is adopted and its text is frozen. Reopen it to make changes."
    ]
    assert adopted.sections.count() == 2


def test_adopted_sections_cannot_be_deleted_even_in_bulk(chair, client, adopted):
    section = adopted.sections.first()
    response = client.post(
        reverse("admin:resolutions_resolutionsection_changelist"),
        {"action": "delete_selected", "_selected_action": [section.pk], "post": "yes"},
    )

    assert response.status_code == 403
    assert ResolutionSection.objects.filter(pk=section.pk).exists()
    assert (
        client.post(reverse("admin:resolutions_resolution_delete", args=[adopted.pk])).status_code
        == 403
    )


# --- Status actions ------------------------------------------------------------------------------


def act(client, action, *resolutions, **data):
    return client.post(
        reverse("admin:resolutions_resolution_changelist"),
        {"action": action, "_selected_action": [r.pk for r in resolutions], **data},
        follow=True,
    )


def test_the_adopt_action_adopts_and_freezes_the_text(chair, client):
    resolution = resolution_with()
    drafting.change_status(resolution, Status.DISCUSSION, chair)

    response = act(client, "adopt", resolution)

    resolution.refresh_from_db()
    assert (resolution.status, resolution.adopted_on, resolution.adopted_by) == (
        "adopted",
        timezone.localdate(),
        chair,
    )
    assert shown(response) == [f"“{resolution}” is now: Adopted."]
    assert not client.get(change_url(resolution)).context["has_change_permission"]


def test_a_refused_move_shows_why(chair, client):
    resolution = resolution_with()

    response = act(client, "publish", resolution)

    resolution.refresh_from_db()
    assert resolution.status == "draft"
    assert shown(response) == [
        f"“{resolution}”: A resolution cannot go from “Draft” to “Published”."
    ]


def test_opening_the_discussion_and_publishing(chair, client):
    resolution = resolution_with()

    act(client, "open_discussion", resolution)
    act(client, "adopt", resolution)
    act(client, "publish", resolution)

    assert [change.to_status for change in resolution.status_changes.all()] == [
        "discussion",
        "adopted",
        "published",
    ]


def test_reopening_asks_for_a_reason_and_records_it(chair, client, adopted):
    confirm = act(client, "reopen", adopted)
    assert confirm.status_code == 200
    assert "reason" in confirm.context["form"].fields

    without = act(client, "reopen", adopted, reason="  ")
    assert without.context["form"].errors == {"reason": ["This field is required."]}
    adopted.refresh_from_db()
    assert adopted.status == "adopted"

    done = act(client, "reopen", adopted, reason="Ошибка в разделе 2")

    adopted.refresh_from_db()
    assert adopted.status == "discussion"
    change = adopted.status_changes.last()
    assert (change.from_status, change.to_status, change.comment, change.changed_by) == (
        "adopted",
        "discussion",
        "Ошибка в разделе 2",
        chair,
    )
    assert shown(done) == [f"“{adopted}” is now: Under discussion."]
    assert client.get(change_url(adopted)).context["has_change_permission"]


def test_adopting_a_published_resolution_asks_before_withdrawing_the_publication(chair, client):
    resolution = resolution_with()
    for status in (Status.DISCUSSION, Status.ADOPTED, Status.PUBLISHED):
        drafting.change_status(resolution, status, chair)

    confirm = act(client, "adopt", resolution)

    assert confirm.status_code == 200
    assert "the public no longer sees them until they are published again" in confirm.text
    resolution.refresh_from_db()
    assert resolution.status == "published"
    done = act(client, "adopt", resolution, confirmed="1")
    resolution.refresh_from_db()
    assert resolution.status == "adopted"
    assert shown(done) == [f"“{resolution}” is now: Adopted."]


def test_reopening_a_draft_is_refused(chair, client):
    resolution = resolution_with()

    response = act(client, "reopen", resolution)

    assert shown(response) == [f"“{resolution}” is not adopted: there is nothing to reopen."]
    assert not resolution.status_changes.exists()


def test_the_status_is_not_a_form_field_and_its_history_is_shown(chair, client, adopted):
    drafting.change_status(adopted, Status.DISCUSSION, chair, comment="Ошибка в разделе 2")

    response = client.get(change_url(adopted))

    assert "status" not in response.context["adminform"].form.fields
    assert "Ошибка в разделе 2" in response.text
    data = admin_form_data(response) | {"status": "published"}
    client.post(change_url(adopted), data)
    adopted.refresh_from_db()
    assert adopted.status == "discussion"


def test_staff_outside_the_organisers_cannot_use_the_actions(client):
    resolution = resolution_with()
    client.force_login(UserFactory(is_staff=True))

    response = client.post(
        reverse("admin:resolutions_resolution_changelist"),
        {"action": "adopt", "_selected_action": [resolution.pk]},
    )

    assert response.status_code == 403
    resolution.refresh_from_db()
    assert resolution.status == "draft"


# --- Records -------------------------------------------------------------------------------------


def test_versions_are_listed_read_only_with_their_changes(chair, client):
    resolution = resolution_with(sections=1, items=1)
    first = drafting.record_version(resolution, chair)
    item = ResolutionItem.objects.get()
    item.text_ru = "совсем новый текст;"
    item.save()
    second = drafting.record_version(resolution, chair)

    listing = client.get(reverse("admin:resolutions_resolutionversion_changelist"))
    page = client.get(change_url(second))

    assert [v.number for v in listing.context["cl"].result_list] == [2, 1]
    assert page.status_code == 200
    assert "– <del>поддерживать</del><ins>совсем</ins>" in page.text
    assert client.post(change_url(first), {"note": "x"}).status_code == 403
    assert client.get(reverse("admin:resolutions_resolutionversion_add")).status_code == 403


def test_status_changes_and_amendments_are_listed_read_only_with_filters(chair, client):
    resolution = resolution_with()
    drafting.change_status(resolution, Status.DISCUSSION, chair)
    amendment = AmendmentFactory(item=resolution.sections.first().items.first())

    changes = client.get(reverse("admin:resolutions_statuschange_changelist"))
    amendments = client.get(
        reverse("admin:resolutions_amendment_changelist"), {"status__exact": "proposed"}
    )

    assert [str(change) for change in changes.context["cl"].result_list] == [
        "Draft → Under discussion"
    ]
    assert list(amendments.context["cl"].result_list) == [amendment]
    assert "status" in {spec.title for spec in amendments.context["cl"].filter_specs}
    assert not amendments.context["has_add_permission"]
    detail = client.post(change_url(amendment), {"text_ru": "подмена"})
    assert detail.status_code == 403
