"""What search engines are given: the sitemap, robots.txt, and each page's alternates,
canonical address and Open Graph tags — every address under SITE_URL, whatever host was asked."""

import re

import pytest
from lxml import etree

from tests.factories import PaperFactory, ProceedingsFactory, RoundTableFactory, finished_build

pytestmark = pytest.mark.django_db

SITE = "https://rt.example.kz"
SITEMAP = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def book():
    proceedings = ProceedingsFactory(event__slug="public-safety-2025", published=True)
    russian = PaperFactory(event=proceedings.event, language="ru", status="accepted")
    kazakh = PaperFactory(event=proceedings.event, language="kk", status="accepted")
    finished_build(proceedings, [(russian, 1, 5, 8), (kazakh, 2, 9, 12)])
    RoundTableFactory(slug="hidden-2025", published=False)
    return proceedings, russian, kazakh


def test_the_sitemap_lists_round_tables_in_each_language_and_each_paper_once(
    client, book, django_assert_num_queries
):
    _proceedings, russian, kazakh = book

    # The round tables and the papers of the current books are read in one query each.
    with django_assert_num_queries(3):
        response = client.get("/sitemap.xml")

    tree = etree.fromstring(response.content)
    locations = tree.xpath("//s:url/s:loc/text()", namespaces=SITEMAP)
    assert [loc for loc in locations if "proceedings" not in loc] == [
        f"{SITE}/{code}/public-safety-2025/" for code in ("kk", "kk-latn", "ru", "en")
    ]
    assert [loc for loc in locations if "proceedings" in loc] == [
        f"{SITE}/ru/public-safety-2025/proceedings/{russian.pk}/",
        f"{SITE}/kk/public-safety-2025/proceedings/{kazakh.pk}/",
    ]
    alternates = tree.xpath("//s:url[1]/x:link/@hreflang", namespaces=SITEMAP)
    assert sorted(alternates) == ["en", "kk", "kk-Latn", "ru", "x-default"]
    assert "hidden-2025" not in response.text


def test_robots_txt_keeps_crawlers_out_of_private_pages_and_names_the_sitemap(client):
    text = client.get("/robots.txt").text

    assert "Disallow: /admin/" in text and "Disallow: /kk/my/" in text
    assert "Disallow: /kk-latn/my/" in text
    assert f"Sitemap: {SITE}/sitemap.xml" in text


def test_a_page_names_its_versions_its_default_and_itself_absolutely(client, book):
    html = client.get("/ru/public-safety-2025/").text

    alternates = dict(re.findall(r'<link rel="alternate" hreflang="([\w-]+)" href="([^"]+)"', html))
    assert alternates == {
        "kk": f"{SITE}/kk/public-safety-2025/",
        "kk-Latn": f"{SITE}/kk-latn/public-safety-2025/",
        "ru": f"{SITE}/ru/public-safety-2025/",
        "en": f"{SITE}/en/public-safety-2025/",
        "x-default": f"{SITE}/kk/public-safety-2025/",
    }
    assert f'<link rel="canonical" href="{SITE}/ru/public-safety-2025/">' in html
    assert '<meta property="og:title" content="' in html
    assert re.search(r'<meta name="description" content="[^"]+">', html)


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_a_paper_has_one_canonical_address_in_its_own_language(client, book, language):
    _proceedings, russian, _kazakh = book
    own = f"{SITE}/ru/public-safety-2025/proceedings/{russian.pk}/"

    card = client.get(f"/{language}/public-safety-2025/proceedings/{russian.pk}/").text
    pdf = client.get(f"/{language}/public-safety-2025/proceedings/{russian.pk}/paper.pdf")

    assert f'<link rel="canonical" href="{own}">' in card
    assert f'<meta property="og:url" content="{own}">' in card
    assert pdf.status_code == 200
    assert pdf["Link"] == f'<{own}paper.pdf>; rel="canonical"'
