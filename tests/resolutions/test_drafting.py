from datetime import date, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from resolutions import drafting, permissions
from resolutions.models import Amendment, Resolution, ResolutionItem
from tests.factories import (
    AmendmentFactory,
    ResolutionFactory,
    ResolutionItemFactory,
    ResolutionSectionFactory,
    UserFactory,
    organiser,
    participant,
    resolution_with,
)

pytestmark = pytest.mark.django_db

Status = Resolution.Status


@pytest.fixture
def chair():
    return organiser(username="aigerim")


def at(status, user, **kwargs):
    """A resolution brought to `status` the way organisers do it, through change_status."""
    resolution = resolution_with(**kwargs)
    path = {
        Status.DRAFT: [],
        Status.DISCUSSION: [Status.DISCUSSION],
        Status.ADOPTED: [Status.DISCUSSION, Status.ADOPTED],
        Status.PUBLISHED: [Status.DISCUSSION, Status.ADOPTED, Status.PUBLISHED],
    }[status]
    for step in path:
        drafting.change_status(resolution, step, user)
    return resolution


def history(resolution):
    return [
        (change.from_status, change.to_status, change.changed_by, change.comment)
        for change in resolution.status_changes.all()
    ]


# --- The state machine -------------------------------------------------------------------------


def test_a_resolution_goes_from_draft_through_discussion_and_adoption_to_publication(chair):
    resolution = resolution_with()
    assert resolution.status == Status.DRAFT

    for step in (Status.DISCUSSION, Status.ADOPTED, Status.PUBLISHED):
        drafting.change_status(resolution, step, chair)

    resolution.refresh_from_db()
    assert resolution.status == Status.PUBLISHED
    assert history(resolution) == [
        ("draft", "discussion", chair, ""),
        ("discussion", "adopted", chair, ""),
        ("adopted", "published", chair, ""),
    ]


def test_adoption_stamps_the_day_and_the_organiser_and_publication_keeps_them(chair):
    resolution = at(Status.DISCUSSION, chair)
    secretary = organiser(username="dana")

    drafting.change_status(resolution, Status.ADOPTED, chair)
    drafting.change_status(resolution, Status.PUBLISHED, secretary)
    drafting.change_status(resolution, Status.ADOPTED, secretary)  # taken off the site again

    resolution.refresh_from_db()
    assert (resolution.adopted_on, resolution.adopted_by) == (timezone.localdate(), chair)


def test_a_draft_may_be_adopted_directly_and_a_discussion_sent_back_to_draft(chair):
    draft = resolution_with()
    drafting.change_status(draft, Status.ADOPTED, chair)
    assert draft.status == Status.ADOPTED

    discussed = at(Status.DISCUSSION, chair)
    drafting.change_status(discussed, Status.DRAFT, chair)
    discussed.refresh_from_db()
    assert discussed.status == Status.DRAFT


@pytest.mark.parametrize(
    ("start", "to", "message"),
    [
        ("draft", "published", "A resolution cannot go from “Draft” to “Published”."),
        ("draft", "draft", "A resolution cannot go from “Draft” to “Draft”."),
        (
            "discussion",
            "published",
            "A resolution cannot go from “Under discussion” to “Published”.",
        ),
        ("adopted", "draft", "A resolution cannot go from “Adopted” to “Draft”."),
        ("published", "draft", "A resolution cannot go from “Published” to “Draft”."),
    ],
)
def test_moves_outside_the_state_machine_are_refused_and_leave_no_trace(chair, start, to, message):
    resolution = at(start, chair)
    changes, versions = resolution.status_changes.count(), resolution.versions.count()

    with pytest.raises(ValidationError) as refused:
        drafting.change_status(resolution, to, chair)

    assert refused.value.messages == [message]
    resolution.refresh_from_db()
    assert resolution.status == start
    assert (resolution.status_changes.count(), resolution.versions.count()) == (changes, versions)


def test_only_organisers_move_a_resolution(chair):
    resolution = resolution_with()
    staff = UserFactory(is_staff=True)
    speaker = participant(resolution.event)

    for user in (AnonymousUser(), staff, speaker):
        with pytest.raises(PermissionDenied):
            drafting.change_status(resolution, Status.DISCUSSION, user)

    resolution.refresh_from_db()
    assert resolution.status == Status.DRAFT
    assert not resolution.status_changes.exists()
    assert permissions.is_organiser(chair) and not permissions.is_organiser(speaker)


def test_a_superuser_may_move_a_resolution():
    resolution = resolution_with()
    drafting.change_status(resolution, Status.DISCUSSION, UserFactory(is_superuser=True))
    assert resolution.status == Status.DISCUSSION


# --- Frozen text and reopening -----------------------------------------------------------------


@pytest.mark.parametrize("status", ["adopted", "published"])
def test_adopted_text_is_frozen(chair, status):
    resolution = at(status, chair)

    with pytest.raises(ValidationError) as frozen:
        drafting.ensure_editable(resolution)

    assert frozen.value.code == "frozen"
    assert frozen.value.messages == [
        "The resolution is adopted and its text is frozen. Reopen it to make changes."
    ]


@pytest.mark.parametrize("status", ["draft", "discussion"])
def test_draft_and_discussed_text_is_editable(chair, status):
    drafting.ensure_editable(at(status, chair))  # does not raise


@pytest.mark.parametrize("reason", ["", "   "])
def test_reopening_adopted_text_needs_a_reason(chair, reason):
    resolution = at(Status.ADOPTED, chair)

    with pytest.raises(ValidationError) as refused:
        drafting.change_status(resolution, Status.DISCUSSION, chair, comment=reason)

    assert refused.value.messages == ["Say why the adopted resolution is reopened."]
    resolution.refresh_from_db()
    assert resolution.status == Status.ADOPTED


def test_reopening_is_recorded_with_its_reason_and_makes_the_text_editable(chair):
    resolution = at(Status.PUBLISHED, chair)

    drafting.change_status(resolution, Status.DISCUSSION, chair, comment="Опечатка в разделе 2")

    resolution.refresh_from_db()
    assert resolution.status == Status.DISCUSSION
    assert not resolution.is_frozen
    assert history(resolution)[-1] == ("published", "discussion", chair, "Опечатка в разделе 2")
    drafting.ensure_editable(resolution)  # editable again


def test_adopting_again_after_a_typo_fix_keeps_the_first_adoption_date(chair):
    resolution = at(Status.PUBLISHED, chair)
    Resolution.objects.filter(pk=resolution.pk).update(adopted_on=date(2025, 5, 23))
    resolution.refresh_from_db()
    secretary = organiser(username="dana")

    drafting.change_status(resolution, Status.DISCUSSION, chair, comment="Опечатка в пункте 2.1")
    drafting.change_status(resolution, Status.ADOPTED, secretary)

    resolution.refresh_from_db()
    assert (resolution.adopted_on, resolution.adopted_by) == (date(2025, 5, 23), secretary)


def test_the_organiser_may_date_an_adoption_but_not_in_the_future(chair):
    resolution = at(Status.DISCUSSION, chair)
    tomorrow = timezone.localdate() + timedelta(days=1)

    with pytest.raises(ValidationError) as refused:
        drafting.change_status(resolution, Status.ADOPTED, chair, adopted_on=tomorrow)
    assert refused.value.messages == ["The adoption date cannot be in the future."]
    drafting.change_status(resolution, Status.ADOPTED, chair, adopted_on=date(2025, 5, 23))

    resolution.refresh_from_db()
    assert (resolution.status, resolution.adopted_on) == (Status.ADOPTED, date(2025, 5, 23))


def test_a_first_adoption_is_dated_today_by_default(chair):
    resolution = at(Status.DISCUSSION, chair)

    assert drafting.adoption_date(resolution) == timezone.localdate()


# --- Versions ----------------------------------------------------------------------------------


def test_a_version_stores_the_whole_text_in_every_language(chair):
    resolution = resolution_with(sections=1, items=1)
    item = ResolutionItem.objects.get()

    version = drafting.record_version(resolution, chair)

    assert (version.number, version.created_by, version.status, version.note()) == (
        1,
        chair,
        "draft",
        "",
    )
    section = version.content["sections"][0]
    assert section["items"] == [{"kk": item.text_kk, "ru": item.text_ru, "en": ""}]
    assert section["lead"] == {"kk": "Ұсынылады:", "ru": "Рекомендуется:", "en": ""}
    assert version.content["title"]["ru"] == resolution.title_ru


def test_a_version_is_recorded_on_a_change_and_not_when_nothing_changed(chair):
    resolution = resolution_with()
    drafting.record_version(resolution, chair)

    assert drafting.record_version(resolution, chair) is None
    item = ResolutionItem.objects.first()
    item.text_ru = "новый текст;"
    item.save()
    second = drafting.record_version(resolution, AnonymousUser())

    assert [v.number for v in resolution.versions.all()] == [2, 1]
    assert second.created_by is None
    assert drafting.record_version(resolution, chair) is None


def test_every_status_change_records_a_version_in_that_status(chair):
    resolution = at(Status.ADOPTED, chair)

    assert [(v.number, v.status, v.note()) for v in resolution.versions.order_by("number")] == [
        (1, "discussion", "Under discussion"),
        (2, "adopted", "Adopted"),
    ]


def test_compare_marks_the_changed_words_in_each_language(chair):
    resolution = resolution_with(sections=1, items=2)
    item = ResolutionItem.objects.first()
    item.text_ru = "укреплять доверие населения к полиции;"
    item.save()
    first = drafting.record_version(resolution, chair)
    item.text_ru = "повышать доверие населения к полиции;"
    item.save()
    ResolutionItemFactory(
        section=item.section, text_kk="жаңа ұсыным;", text_ru="новая рекомендация;"
    )
    second = drafting.record_version(resolution, chair)

    russian = [row for row in drafting.compare(first, second, "ru") if row[0] != "same"]
    kazakh = [row for row in drafting.compare(first, second, "kk") if row[0] != "same"]

    assert russian == [
        ("changed", "– <del>укреплять</del><ins>повышать</ins> доверие населения к полиции;"),
        ("added", "<ins>– новая рекомендация;</ins>"),
    ]
    assert kazakh == [("added", "<ins>– жаңа ұсыным;</ins>")]


def test_compare_shows_removed_lines_and_escapes_the_text(chair):
    resolution = resolution_with(sections=1, items=2)
    first_item, second_item = ResolutionItem.objects.all()
    first_item.text_ru = "применять <b>цифровые</b> сервисы;"
    first_item.save()
    first = drafting.record_version(resolution, chair)
    second_item.delete()
    second = drafting.record_version(resolution, chair)

    rows = drafting.compare(first, second, "ru")

    assert ("same", "– применять &lt;b&gt;цифровые&lt;/b&gt; сервисы;") in rows
    assert [row for row in rows if row[0] != "same"] == [
        ("removed", f"<del>– {second_item.text_ru}</del>")
    ]


def test_lines_number_sections_by_their_order_not_their_position_value(chair):
    resolution = ResolutionFactory()
    ResolutionSectionFactory(resolution=resolution, position=20, heading_ru="Второй раздел")
    ResolutionSectionFactory(resolution=resolution, position=10, heading_ru="Первый раздел")

    lines = drafting.lines_of(drafting.content_of(resolution), "ru")

    assert [line for line in lines if line[0].isdigit()] == ["1. Первый раздел", "2. Второй раздел"]


def test_a_section_without_a_heading_keeps_its_number_alone_on_the_line():
    resolution = ResolutionFactory()
    ResolutionSectionFactory(resolution=resolution, position=1, heading_ru="")

    lines = drafting.lines_of(drafting.content_of(resolution), "ru")

    assert [line for line in lines if line[0].isdigit()] == ["1."]


@pytest.mark.parametrize(
    "language, note", [("kk", "Қабылданды"), ("ru", "Принята"), ("en", "Adopted")]
)
def test_a_versions_note_reads_in_the_readers_language_whoever_made_it(chair, language, note):
    with translation.override("kk"):
        resolution = at(Status.ADOPTED, chair)

    with translation.override(language):
        assert resolution.versions.first().note() == note


# --- Language gaps -----------------------------------------------------------------------------


def test_language_gaps_name_sections_with_an_item_written_in_one_language():
    resolution = resolution_with(sections=3, items=2)
    _first, second, third = resolution.sections.all()
    ResolutionItemFactory(section=second, text_ru="")
    ResolutionItemFactory(section=third, text_kk="")
    ResolutionItemFactory(section=third, text_ru="")

    gaps = drafting.language_gaps(resolution)

    assert gaps == [(2, second, ["ru"]), (3, third, ["kk", "ru"])]


def test_a_resolution_written_in_both_languages_has_no_gaps():
    assert drafting.language_gaps(resolution_with()) == []


# --- Amendments --------------------------------------------------------------------------------


@pytest.fixture
def discussed(chair):
    return at(Status.DISCUSSION, chair, sections=2, items=2)


def test_accepting_an_amendment_changes_the_item_in_its_languages_and_records_a_version(
    chair, discussed
):
    item = discussed.sections.first().items.first()
    kazakh = item.text_kk
    amendment = AmendmentFactory(item=item, proposed_by=participant(discussed.event))
    versions = discussed.versions.count()

    drafting.accept(amendment, chair, comment="Принято единогласно")

    item.refresh_from_db()
    assert item.text_ru == "развивать общественные советы при органах внутренних дел;"
    assert item.text_kk == kazakh  # proposed in Russian only: the Kazakh text stays
    amendment.refresh_from_db()
    assert (amendment.status, amendment.decided_by, amendment.result) == ("accepted", chair, item)
    assert amendment.decided_at is not None
    assert amendment.comment == "Принято единогласно"
    latest = discussed.versions.first()
    assert discussed.versions.count() == versions + 1
    assert (latest.note(), latest.created_by) == (f"Amendment {amendment.pk} accepted", chair)
    assert drafting.language_gaps(discussed) == []


def test_accepting_a_proposed_new_item_appends_it_to_the_section(chair, discussed):
    section = discussed.sections.last()
    amendment = AmendmentFactory(
        item=None, section=section, text_kk="жаңа ұсыныс;", text_ru="новое предложение;"
    )

    drafting.accept(amendment, chair)

    texts = [(item.text_kk, item.text_ru) for item in section.items.all()]
    assert len(texts) == 3
    assert texts[-1] == ("жаңа ұсыныс;", "новое предложение;")
    amendment.refresh_from_db()
    assert amendment.result == section.items.last()
    assert drafting.lines_of(discussed.versions.first().content, "ru")[-2] == (
        "– новое предложение;"
    )


def test_declining_needs_a_comment_and_leaves_the_text_alone(chair, discussed):
    item = discussed.sections.first().items.first()
    before = item.text_ru
    amendment = AmendmentFactory(item=item)
    versions = discussed.versions.count()

    with pytest.raises(ValidationError) as refused:
        drafting.decline(amendment, chair, comment=" ")
    assert refused.value.messages == ["Say why the amendment is declined."]

    drafting.decline(amendment, chair, comment="Повторяет пункт 1.2")

    amendment.refresh_from_db()
    item.refresh_from_db()
    assert (amendment.status, amendment.comment) == ("declined", "Повторяет пункт 1.2")
    assert amendment.decided_by == chair
    assert item.text_ru == before
    assert discussed.versions.count() == versions


@pytest.mark.parametrize("first", [drafting.accept, drafting.decline])
def test_an_amendment_is_decided_only_once(chair, discussed, first):
    amendment = AmendmentFactory(item=discussed.sections.first().items.first())
    first(amendment, chair, "Решено")

    for decide in (drafting.accept, drafting.decline):
        with pytest.raises(ValidationError) as refused:
            decide(amendment, chair, "Ещё раз")
        assert refused.value.messages == ["This amendment has already been decided."]

    amendment.refresh_from_db()
    assert amendment.comment == "Решено"


@pytest.mark.parametrize("status", ["draft", "adopted", "published"])
def test_amendments_are_decided_only_under_discussion(chair, status):
    resolution = at(status, chair)
    item = resolution.sections.first().items.first()
    before = item.text_ru
    amendment = AmendmentFactory(item=item)

    with pytest.raises(ValidationError) as refused:
        drafting.accept(amendment, chair)

    assert refused.value.messages == [
        "Amendments are decided while the resolution is under discussion."
    ]
    item.refresh_from_db()
    amendment.refresh_from_db()
    assert (item.text_ru, amendment.status) == (before, Amendment.Status.PROPOSED)


def test_only_organisers_decide_amendments(discussed):
    speaker = participant(discussed.event)
    amendment = AmendmentFactory(item=discussed.sections.first().items.first(), proposed_by=speaker)

    with pytest.raises(PermissionDenied):
        drafting.accept(amendment, speaker)
    with pytest.raises(PermissionDenied):
        drafting.decline(amendment, UserFactory(is_staff=True), "Нет")

    amendment.refresh_from_db()
    assert amendment.status == Amendment.Status.PROPOSED


def test_participants_propose_only_while_the_resolution_is_discussed(chair):
    resolution = resolution_with()
    speaker, outsider = participant(resolution.event), UserFactory()

    assert not permissions.can_propose(speaker, resolution)
    drafting.change_status(resolution, Status.DISCUSSION, chair)
    assert permissions.can_propose(speaker, resolution)
    assert permissions.can_propose(chair, resolution)
    assert not permissions.can_propose(outsider, resolution)
    assert not permissions.can_propose(AnonymousUser(), resolution)
