"""Factories for resolutions: small texts in kk and ru, positions 1, 2, … within their parent."""

import factory

from resolutions.models import Amendment, Resolution, ResolutionItem, ResolutionSection
from tests.factories.people import UserFactory
from tests.factories.programme import RoundTableFactory


class ResolutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resolution

    event = factory.SubFactory(RoundTableFactory)
    title_kk = factory.Sequence(lambda n: f"Дөңгелек үстелдің қарары {n}")
    title_ru = factory.Sequence(lambda n: f"Резолюция круглого стола {n}")
    preamble_kk = "Талқылау нәтижесінде қатысушылар мынаны ұсынады:"
    preamble_ru = "По итогам обсуждения участники рекомендуют:"
    closing_kk = "Ұсынымдар мүдделі органдарға жіберіледі."
    closing_ru = "Рекомендации направляются заинтересованным органам."


class ResolutionSectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResolutionSection

    resolution = factory.SubFactory(ResolutionFactory)
    position = factory.LazyAttribute(lambda section: section.resolution.sections.count() + 1)
    heading_kk = factory.Sequence(lambda n: f"Серіктестікті нығайту {n}")
    heading_ru = factory.Sequence(lambda n: f"Укрепление партнерства {n}")
    lead_kk = "Ұсынылады:"
    lead_ru = "Рекомендуется:"


class ResolutionItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResolutionItem

    section = factory.SubFactory(ResolutionSectionFactory)
    position = factory.LazyAttribute(lambda item: item.section.items.count() + 1)
    text_kk = factory.Sequence(lambda n: f"қоғамдық кеңестерді қолдау {n};")
    text_ru = factory.Sequence(lambda n: f"поддерживать общественные советы {n};")


class AmendmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Amendment

    item = factory.SubFactory(ResolutionItemFactory)
    section = factory.LazyAttribute(lambda amendment: amendment.item.section)
    resolution = factory.LazyAttribute(lambda amendment: amendment.section.resolution)
    text_ru = "развивать общественные советы при органах внутренних дел;"
    reason = "Точнее отражает обсуждение."
    proposed_by = factory.SubFactory(UserFactory)


def resolution_with(sections=2, items=3, **kwargs):
    """A resolution with `sections` sections of `items` items each, written in kk and ru."""
    resolution = ResolutionFactory(**kwargs)
    for _number in range(sections):
        section = ResolutionSectionFactory(resolution=resolution)
        ResolutionItemFactory.create_batch(items, section=section)
    return resolution
