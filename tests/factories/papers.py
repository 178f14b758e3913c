"""Factories for papers: a paper in Kazakh with its title in kk and ru, authors, sections, files."""

import datetime
import hashlib

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from proceedings.models import Author, Call, Paper, PaperVersion, Proceedings, Section
from tests.factories.people import PersonFactory
from tests.factories.programme import RoundTableFactory


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    event = factory.SubFactory(RoundTableFactory)
    name_kk = factory.Sequence(lambda n: f"Құқықтық негіздер {n}")
    name_ru = factory.Sequence(lambda n: f"Правовые основы {n}")
    position = factory.Sequence(int)


class ProceedingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Proceedings

    event = factory.SubFactory(RoundTableFactory)
    title_kk = "«Қоғамдық қауіпсіздік» дөңгелек үстелінің материалдары"
    title_ru = "Материалы круглого стола «Общественная безопасность»"
    title_en = "Proceedings of the round table “Public safety”"
    organiser_kk = "Қазақстан Республикасы ІІМ Алматы академиясы"
    organiser_ru = "Алматинская академия МВД Республики Казахстан"
    isbn = "9786017943578"
    udc = "351.74"
    bbk = "67.401"
    publisher_kk = "Алматы академиясы"
    publisher_ru = "Алматинская академия"
    city_kk = "Алматы"
    city_ru = "Алматы"
    year = 2025


class PaperFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Paper

    event = factory.SubFactory(RoundTableFactory)
    speaker = factory.SubFactory(
        PersonFactory, email=factory.Sequence(lambda n: f"s{n}@example.kz")
    )
    language = "kk"
    title_kk = factory.Sequence(lambda n: f"Полиция және қоғам: серіктестік {n}")
    title_ru = factory.Sequence(lambda n: f"Полиция и общество: партнёрство {n}")
    abstract_kk = "Мақалада полиция мен қоғамның өзара іс-қимылы қарастырылады."
    abstract_ru = "В статье рассматривается взаимодействие полиции и общества."
    keywords_kk = "полиция, қоғам, серіктестік"
    keywords_ru = "полиция, общество, партнёрство"


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author

    paper = factory.SubFactory(PaperFactory)
    order = factory.Sequence(int)
    surname_kk = "Ахманов"
    surname_ru = "Ахманов"
    given_name_kk = "Асқар"
    given_name_ru = "Аскар"
    patronymic_kk = "Төлегенұлы"
    patronymic_ru = "Тулегенович"
    organisation_kk = "Алматы академиясы"
    organisation_ru = "Алматинская академия"
    city_kk = "Алматы"
    city_ru = "Алматы"


def add_version(
    paper, content=b"%PDF-1.7\n%test\n", *, kind="pdf", name="paper.pdf", user=None, html=""
):
    """A stored file as the next version of `paper`, made current (without the upload checks);
    `html` stands for the text a DOCX converts to."""
    number = paper.versions.count() + 1
    version = PaperVersion(
        paper=paper,
        number=number,
        original_name=name,
        kind=kind,
        content_type="application/pdf"
        if kind == "pdf"
        else "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=user,
        html=html,
    )
    version.file.save(f"tests/{paper.pk}-{number}.{kind}", ContentFile(content), save=False)
    version.save()
    paper.current_version = version
    paper.save(update_fields=["current_version", "updated_at"])
    return version


def tiny_proceedings(papers=1):
    """Proceedings of `papers` short accepted papers in one section, without programme, participant
    list or resolution."""
    proceedings = ProceedingsFactory(
        include_programme=False, include_participants=False, include_resolution=False
    )
    section = SectionFactory(event=proceedings.event)
    for position in range(papers):
        paper = PaperFactory(
            event=proceedings.event, section=section, position=position, status="accepted"
        )
        AuthorFactory(paper=paper)
    return proceedings


def broken_paper(proceedings):
    """An accepted paper whose uploaded PDF cannot be read: the book cannot be typeset."""
    paper = PaperFactory(event=proceedings.event, status=Paper.Status.ACCEPTED)
    AuthorFactory(paper=paper)
    add_version(paper, b"%PDF-1.7\nthis is not a PDF at all\n")
    return paper


class CallFactory(factory.django.DjangoModelFactory):
    """A published call, open from yesterday for a month."""

    class Meta:
        model = Call

    event = factory.SubFactory(RoundTableFactory)
    opens_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=30))
    requirements_kk = "Көлемі 5–8 бет, Times New Roman 14."
    requirements_ru = "Объём 5–8 страниц, Times New Roman 14."
    max_pages = 8
    originality_share = 70
    published = True
