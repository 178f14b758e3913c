"""/verify/<number>: anyone may check a certificate, and learns nothing personal beyond it."""

import pytest
from django.test import override_settings

from participants import certificates
from tests.factories import (
    AttendanceFactory,
    PersonFactory,
    RoundTableFactory,
    certificate_ready,
)
from tests.roles import ROLES, user_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate():
    event = RoundTableFactory(theme_ru="Общественная безопасность", theme_kk="Қоғамдық қауіпсіздік")
    certificate_ready(event)
    person = PersonFactory(
        surname_kk="ҚОЙШЫБАЕВ",
        surname_ru="КОЙШИБАЕВ",
        email="secret-address@example.kz",
        position_ru="старший преподаватель кафедры",
        organisation_ru="Алматинская академия МВД",
    )
    AttendanceFactory(event=event, person=person)
    return certificates.issue_all(event)[0]


def address(certificate):
    return f"/verify/{certificate.number}"


def test_anyone_sees_the_name_role_round_table_and_date(client, certificate):
    response = client.get(address(certificate), HTTP_ACCEPT_LANGUAGE="ru")

    assert response.status_code == 200
    html = response.text
    assert "КОЙШИБАЕВ Ануар Талгатович" in html
    assert "участник" in html
    assert "Общественная безопасность" in html
    assert "2025" in html
    assert certificate.number in html
    assert "действителен" in html


def test_the_page_answers_in_the_visitors_language(client, certificate):
    html = client.get(address(certificate), HTTP_ACCEPT_LANGUAGE="kk").text

    assert "ҚОЙШЫБАЕВ Ануар Талғатұлы" in html
    assert "Қоғамдық қауіпсіздік" in html


def test_nothing_personal_beyond_them(client, certificate):
    html = client.get(address(certificate), HTTP_ACCEPT_LANGUAGE="ru").text

    assert "secret-address" not in html
    assert "старший преподаватель" not in html
    assert "Алматинская академия МВД" not in html
    assert certificate.download_token not in html


def test_a_revoked_certificate_shows_as_revoked_with_its_date(client, certificate):
    client.get(address(certificate))  # kept in the page cache: the revocation must show anyway
    certificates.revoke(certificate, "Не присутствовал")

    html = client.get(address(certificate), HTTP_ACCEPT_LANGUAGE="ru").text

    assert "отозван" in html
    assert "действителен" not in html
    assert "Не присутствовал" not in html  # the reason is the organisers'


@pytest.mark.parametrize(
    "number", ["RT-2025-0001-AAAAA", "not-a-number", "RT-2025-0001", "rt-2025-0001-ACDEF"]
)
def test_an_unknown_number_is_a_404_in_the_visitors_language(client, certificate, number):
    response = client.get(f"/verify/{number}", HTTP_ACCEPT_LANGUAGE="kk")

    assert response.status_code == 404
    assert 'lang="kk"' in response.text


def test_the_right_serial_with_a_wrong_check_part_is_not_found(client, certificate):
    wrong = certificate.number[:-5] + ("AAAAA" if certificate.number[-5:] != "AAAAA" else "CCCCC")

    assert client.get(f"/verify/{wrong}").status_code == 404


def test_certificates_of_an_unpublished_round_table_are_not_found(client, certificate):
    certificate.event.published = False
    certificate.event.save()

    assert client.get(address(certificate)).status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_every_role_sees_the_same(client, certificate, role):
    user = user_in(role, certificate.event)
    if role != "anonymous":
        client.force_login(user)

    response = client.get(address(certificate), HTTP_ACCEPT_LANGUAGE="ru")

    assert response.status_code == 200
    assert "КОЙШИБАЕВ" in response.text


def test_queries(client, certificate, django_assert_num_queries):
    # the versions (portal/page_cache.py), the certificate with its round table and person
    with django_assert_num_queries(2):
        assert client.get(address(certificate)).status_code == 200
    with django_assert_num_queries(1):  # the versions: the page comes from the cache
        assert client.get(address(certificate)).status_code == 200


@override_settings(CERTIFICATE_VERIFY_RATE_LIMIT="3/m")
def test_guessing_numbers_is_rate_limited(client, certificate):
    statuses = [client.get(f"/verify/RT-2025-{n:04d}-ACDEF").status_code for n in range(2, 6)]

    assert statuses == [404, 404, 404, 429]


def test_only_get(client, certificate):
    assert client.post(address(certificate)).status_code == 405


def test_a_corrected_name_shows_at_once(client, certificate):
    client.get(address(certificate), HTTP_ACCEPT_LANGUAGE="ru")  # kept in the page cache
    person = certificate.person
    person.participations.all().delete()  # a listener on no roster
    person.surname_ru = "КОЙШЫБАЕВ"
    person.save()

    html = client.get(address(certificate), HTTP_ACCEPT_LANGUAGE="ru").text

    assert "КОЙШЫБАЕВ Ануар" in html
