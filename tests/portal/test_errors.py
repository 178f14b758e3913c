"""Failed requests get the portal's pages in the visitor's language, and JSON under /api/
(portal/errors.py), with DEBUG off as in production."""

import pytest
from django.conf import settings
from django.test import Client

from tests.config.test_security import PUBLIC_POLICY, assert_nothing_inline_outside_the_policy
from tests.factories import PaperFactory, UserFactory, staff

pytestmark = pytest.mark.django_db

LANGUAGES = ["kk", "ru", "en"]
HEADINGS = {
    400: {"kk": "Сұрау қате", "ru": "Неверный запрос", "en": "Bad request"},
    403: {"kk": "Рұқсат жоқ", "ru": "Доступ запрещён", "en": "Access denied"},
    "csrf": {
        "kk": "Форма жіберілмеді",
        "ru": "Форму не удалось отправить",
        "en": "The form could not be sent",
    },
    404: {"kk": "Бет табылмады", "ru": "Страница не найдена", "en": "Page not found"},
    500: {"kk": "Сервер қатесі", "ru": "Ошибка сервера", "en": "Server error"},
}
DETAILS = {
    400: {
        "kk": "Сұрауды түсіну мүмкін болмады. Мекенжайды тексеріңіз.",
        "ru": "Запрос не удалось понять. Проверьте адрес.",
        "en": "The request could not be understood. Check the address.",
    },
    403: {
        "kk": "Сізде мұны істеуге рұқсат жоқ.",
        "ru": "У вас нет прав на это действие.",
        "en": "You do not have permission to do this.",
    },
    404: {
        "kk": "Бұл мекенжайда ештеңе жоқ.",
        "ru": "По этому адресу ничего нет.",
        "en": "There is nothing at this address.",
    },
    500: {
        "kk": "Біз жақта бірдеңе дұрыс болмады. Кейінірек қайталап көріңіз.",
        "ru": "У нас что-то пошло не так. Попробуйте позже.",
        "en": "Something went wrong on our side. Try again later.",
    },
}


@pytest.fixture
def failing_views(settings):
    """The portal's addresses plus a few views that fail (tests/roundtable/failing_urls.py)."""
    settings.ROOT_URLCONF = "tests.portal.failing_urls"


@pytest.fixture
def visitor():
    """A browser's client: server errors come back as the page, not as the exception."""
    return Client(raise_request_exception=False)


def assert_the_portals_page(response, status, heading, language):
    assert not settings.DEBUG
    assert response.status_code == status
    html = response.text
    assert f'<html lang="{language}">' in html
    assert f"<h1>{heading}</h1>" in html
    assert "/static/roundtable/site.css" in html
    assert response["Content-Security-Policy"] == PUBLIC_POLICY
    assert "<script" not in html and "<style" not in html
    assert_nothing_inline_outside_the_policy(html)


# --- Pages ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_missing_page_is_the_portals_in_the_addresss_language(client, language):
    response = client.get(f"/{language}/no-such-round-table/programme/")

    assert_the_portals_page(response, 404, HEADINGS[404][language], language)
    assert DETAILS[404][language] in response.text
    assert f'href="/{language}/"' in response.text  # back to the round tables, same language


@pytest.mark.parametrize("language", LANGUAGES)
def test_outside_the_prefixes_a_missing_page_speaks_the_browsers_language(client, language):
    response = client.get("/no-such-file.txt", headers={"accept-language": language})

    assert_the_portals_page(response, 404, HEADINGS[404][language], language)


def test_outside_the_prefixes_the_language_cookie_wins_over_the_browser(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "kk"
    response = client.get("/no-such-file.txt", headers={"accept-language": "ru"})

    assert_the_portals_page(response, 404, HEADINGS[404]["kk"], "kk")


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_forbidden_page_is_the_portals_in_the_addresss_language(failing_views, client, language):
    response = client.get(f"/{language}/forbidden/")

    assert_the_portals_page(response, 403, HEADINGS[403][language], language)
    assert DETAILS[403][language] in response.text


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_admin_page_refused_to_staff_speaks_the_browsers_language(client, language):
    """A real refusal: deciding on a paper takes the organisers' rights, not only staff."""
    client.force_login(staff())
    paper = PaperFactory()

    response = client.get(
        f"/admin/proceedings/paper/{paper.pk}/decide/accepted/",
        headers={"accept-language": language},
    )

    assert_the_portals_page(response, 403, HEADINGS[403][language], language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_form_refused_by_the_csrf_check_is_the_portals_page(language):
    browser = Client(enforce_csrf_checks=True)

    response = browser.post(
        f"/{language}/accounts/login/", {"username": "asel@example.kz", "password": "x"}
    )

    assert_the_portals_page(response, 403, HEADINGS["csrf"][language], language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_request_for_another_host_is_the_portals_bad_request(client, language):
    response = client.get(f"/{language}/", headers={"host": "attacker.example"})

    assert_the_portals_page(response, 400, HEADINGS[400][language], language)
    assert DETAILS[400][language] in response.text


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_server_error_is_the_portals_page_in_the_addresss_language(
    failing_views, visitor, language
):
    response = visitor.get(f"/{language}/fail/")

    assert_the_portals_page(response, 500, HEADINGS[500][language], language)
    assert DETAILS[500][language] in response.text


def test_the_server_error_page_reads_neither_the_database_nor_the_user(
    failing_views, visitor, django_assert_num_queries
):
    user = UserFactory(username="asel")
    visitor.force_login(user)

    with django_assert_num_queries(0):  # no session, no user: either may be what failed
        response = visitor.get("/ru/fail/")

    assert_the_portals_page(response, 500, HEADINGS[500]["ru"], "ru")
    assert "asel" not in response.text


def test_a_public_page_that_failed_is_not_what_the_cache_serves_next(failing_views, visitor):
    failed = visitor.get("/kk/fails-once/")
    served = visitor.get("/kk/fails-once/")

    assert failed.status_code == 500
    assert (served.status_code, served.text) == (200, "the programme")


# --- The API -------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_unknown_api_address_answers_json_in_the_requests_language(client, language):
    by_query = client.get(f"/api/v1/no-such-endpoint/?lang={language}")
    by_header = client.get("/api/v1/no-such-endpoint/", headers={"accept-language": language})

    for response in (by_query, by_header):
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
        assert response.json() == {"detail": DETAILS[404][language]}


def test_lang_wins_over_the_browsers_language_in_the_api(client):
    response = client.get("/api/v1/nothing/?lang=kk", headers={"accept-language": "ru"})

    assert response.json() == {"detail": DETAILS[404]["kk"]}


@pytest.mark.parametrize(
    ("address", "status"), [("/api/fail/?lang=ru", 500), ("/api/forbidden/?lang=ru", 403)]
)
def test_api_errors_outside_drf_answer_json(failing_views, visitor, address, status):
    response = visitor.get(address)

    assert response.status_code == status
    assert response.json() == {"detail": DETAILS[status]["ru"]}


def test_an_api_request_for_another_host_answers_json(client):
    response = client.get("/api/v1/events/?lang=kk", headers={"host": "attacker.example"})

    assert response.status_code == 400
    assert response.json() == {"detail": DETAILS[400]["kk"]}
