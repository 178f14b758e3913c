"""Headers and sessions: HSTS, cookies, the Content-Security-Policy and its nonces, the other
security headers; sign-in throttling (django-axes) and the per-user limits on uploads and book
builds (django-ratelimit)."""

import os
import re
import subprocess
import sys
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.management import call_command
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone

from portal import throttling
from tests import factories
from tests.factories import tiny_proceedings
from tests.pages import change_url, text_of
from tests.proceedings import view_factories as make

pytestmark = pytest.mark.django_db

PUBLIC_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def policy_of(response):
    """The Content-Security-Policy header as {directive: [values]}."""
    directives = (part.split() for part in response["Content-Security-Policy"].split(";"))
    return {name: values for name, *values in directives}


def nonce_of(response):
    """The nonce that the policy's script-src allows (and style-src, the same one)."""
    policy = policy_of(response)
    [nonce] = [value for value in policy["script-src"] if value.startswith("'nonce-")]
    assert nonce in policy["style-src"]
    return nonce.removeprefix("'nonce-").removesuffix("'")


def assert_nothing_inline_outside_the_policy(html):
    assert not re.search(r"<[^>]+\son[a-z]+\s*=", html), "an inline event handler"
    assert not re.search(r"<[^>]+\sstyle\s*=", html), "a style attribute"
    assert "javascript:" not in html


# --- Headers -------------------------------------------------------------------------------------


def test_a_page_over_https_carries_the_security_headers(client):
    response = client.get("/en/", secure=True)

    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["Content-Security-Policy"] == PUBLIC_POLICY
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    permissions = response["Permissions-Policy"].split(", ")
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in permissions


def test_public_pages_use_no_nonce_so_that_they_can_be_cached_whole(client, demo_event):
    for url in ("/kk/", f"/kk/{demo_event.slug}/", f"/ru/{demo_event.slug}/speakers/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Security-Policy"] == PUBLIC_POLICY, url
        assert "nonce" not in response.text, url
        assert_nothing_inline_outside_the_policy(response.text)
        # Every script is a file of this site.
        for script in re.findall(r"<script\b[^>]*>", response.text):
            assert re.search(r'\ssrc="/static/', script), script


def test_session_and_csrf_cookies_are_secure_http_only_and_same_site(client):
    factories.speaker("asel")
    login = client.get("/en/accounts/login/", secure=True)
    signed_in = client.post(
        "/en/accounts/login/",
        {"username": "asel@example.kz", "password": factories.PASSWORD},
        secure=True,
    )

    assert signed_in.status_code == 302
    for cookie in (login.cookies["csrftoken"], signed_in.cookies["sessionid"]):
        assert cookie["secure"] is True
        assert cookie["httponly"] is True
        assert cookie["samesite"] == "Lax"


def settings_in_a_fresh_process(**env):
    """Security settings as config.settings makes them from `env` alone."""
    names = ["SECURE_HSTS_SECONDS", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"]
    code = f"import config.settings as s; print(*(getattr(s, name, None) for name in {names!r}))"
    environment = {
        "PATH": os.environ["PATH"],
        "DATABASE_URL": "postgres://nobody@/unused",
        "SECRET_KEY": "s" * 50,
        **env,
    }
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    return result.stdout.split()


def test_hsts_and_secure_cookies_are_on_in_production_and_off_in_debug():
    assert settings_in_a_fresh_process() == ["31536000", "True", "True"]
    assert settings_in_a_fresh_process(SECURE_HSTS_SECONDS="300") == ["300", "True", "True"]
    assert settings_in_a_fresh_process(DEBUG="1") == ["None", "None", "None"]


@pytest.mark.parametrize("page", ["proceedings", "paper", "papers"])
def test_the_admin_pages_inline_blocks_carry_the_nonce_of_the_policy(admin_client, page):
    proceedings = tiny_proceedings()
    paper = proceedings.event.papers.get()
    url = {
        "proceedings": change_url(proceedings),
        "paper": change_url(paper),
        "papers": reverse("admin:proceedings_paper_changelist"),
    }[page]
    response = admin_client.get(url)

    assert response.status_code == 200
    nonce = nonce_of(response)
    policy = policy_of(response)
    assert "'unsafe-inline'" not in policy["script-src"] + policy["style-src"]
    scripts = re.findall(r"<script\b[^>]*>", response.text)
    if page == "proceedings":
        assert any("proceedings/build_progress.js" in script for script in scripts)
    for script in scripts:
        assert f'nonce="{nonce}"' in script, script
    assert_nothing_inline_outside_the_policy(response.text)


def test_the_api_docs_start_swagger_ui_with_the_nonce(client):
    response = client.get("/api/docs/")

    nonce = nonce_of(response)
    inline = re.findall(r"<(script|style)\b([^>]*)>\s*[^<\s]", response.text)
    assert {tag for tag, _ in inline} == {"script", "style"}
    for _, attributes in inline:
        assert f'nonce="{nonce}"' in attributes


def test_each_response_has_its_own_nonce(admin_client):
    first, second = (admin_client.get("/api/docs/") for _ in range(2))
    assert nonce_of(first) != nonce_of(second)


# --- Sign-in throttling --------------------------------------------------------------------------


@pytest.fixture
def axes_on():
    with override_settings(AXES_ENABLED=True):
        yield


def sign_in(client, username, password, language="en", **extra):
    return client.post(
        f"/{language}/accounts/login/", {"username": username, "password": password}, **extra
    )


def test_five_wrong_passwords_lock_the_name_with_a_page_that_says_for_how_long(client, axes_on):
    factories.speaker("asel")
    # The e-mail matches in any letter case, and so do its failures.
    for typed in ["asel@example.kz", "Asel@example.kz", "ASEL@EXAMPLE.KZ ", "asel@Example.kz"]:
        assert sign_in(client, typed, "wrong").status_code == 200
    fifth = sign_in(client, "asel@example.kz", "wrong")
    right = sign_in(client, "asel@example.kz", factories.PASSWORD)

    for response in (fifth, right):
        assert response.status_code == 429
        assert "Too many failed sign-ins" in response.text
        assert "paused for 15 minutes" in text_of(response.text)
        assert '<html lang="en">' in response.text
    assert "_auth_user_id" not in client.session
    # Russian readers get the page in Russian (its layout and links).
    russian = sign_in(client, "asel@example.kz", factories.PASSWORD, language="ru")
    assert russian.status_code == 429
    assert '<html lang="ru">' in russian.text
    assert 'href="/ru/accounts/password_reset/"' in russian.text


def test_the_lock_holds_the_account_from_every_address_and_no_other_account(client, axes_on):
    factories.speaker("asel")
    factories.speaker("bolat")
    for number in range(5):
        sign_in(client, "asel@example.kz", "wrong", REMOTE_ADDR=f"10.0.0.{number}")

    assert sign_in(client, "bolat@example.kz", factories.PASSWORD).status_code == 302
    elsewhere = sign_in(client, "asel@example.kz", factories.PASSWORD, REMOTE_ADDR="10.1.2.3")
    assert elsewhere.status_code == 429


def test_a_name_locked_out_cannot_sign_in_with_the_e_mail_instead(client, axes_on):
    factories.organiser("chair")  # e-mail chair@example.org
    for _ in range(5):
        sign_in(client, "chair", "wrong")

    for typed in ("chair@example.org", "Chair@Example.org", "CHAIR"):
        assert sign_in(client, typed, factories.PASSWORD).status_code == 429, typed
    assert "_auth_user_id" not in client.session


def test_failures_with_the_name_and_the_e_mail_add_up(client, axes_on):
    factories.speaker("asel")  # user name asel, e-mail asel@example.kz
    for typed in ("asel", "asel@example.kz", "Asel", "ASEL@example.kz", "asel"):
        sign_in(client, typed, "wrong")

    assert sign_in(client, "asel@example.kz", factories.PASSWORD).status_code == 429


@override_settings(AXES_ADDRESS_FAILURE_LIMIT=8)
def test_one_address_guessing_across_many_accounts_is_locked(client, axes_on):
    factories.speaker("asel")
    for number in range(8):  # one failure each, far from any account's own limit
        sign_in(client, f"someone{number}@example.kz", "wrong")

    assert sign_in(client, "asel@example.kz", factories.PASSWORD).status_code == 429
    elsewhere = sign_in(client, "asel@example.kz", factories.PASSWORD, REMOTE_ADDR="10.1.2.3")
    assert elsewhere.status_code == 302


@override_settings(AXES_ADDRESS_FAILURE_LIMIT=8)
def test_signing_in_to_ones_own_account_buys_no_more_guesses(client, axes_on):
    factories.speaker("asel")
    factories.speaker("mallory")
    for _ in range(2):
        for _ in range(3):
            sign_in(client, "asel@example.kz", "wrong", REMOTE_ADDR="10.6.6.6")
        assert (
            sign_in(
                client, "mallory@example.kz", factories.PASSWORD, REMOTE_ADDR="10.6.6.6"
            ).status_code
            == 302
        )
        client.logout()

    assert sign_in(client, "asel@example.kz", factories.PASSWORD).status_code == 429


def test_the_right_password_works_again_after_the_cool_off(client, axes_on):
    factories.speaker("asel")
    for _ in range(5):
        sign_in(client, "asel@example.kz", "wrong")
    assert sign_in(client, "asel@example.kz", factories.PASSWORD).status_code == 429

    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))

    assert sign_in(client, "asel@example.kz", factories.PASSWORD).status_code == 302
    assert client.session["_auth_user_id"]


def test_the_admin_sign_in_is_throttled_too_and_axes_reset_lifts_the_lock(client, axes_on):
    factories.organiser("chair")
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    login = reverse("admin:login")
    for _ in range(5):
        client.post(login, {"username": "chair", "password": "wrong"})

    locked = client.post(login, {"username": "chair", "password": factories.PASSWORD})
    assert locked.status_code == 429
    assert "Too many failed sign-ins" in locked.text

    call_command("axes_reset", verbosity=0)
    assert (
        client.post(login, {"username": "chair", "password": factories.PASSWORD}).status_code == 302
    )


@override_settings(REVERSE_PROXY_COUNT=1)
def test_behind_the_proxy_the_address_is_the_one_it_appended():
    request = RequestFactory().get(
        "/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7"
    )
    assert throttling.client_address(request) == "203.0.113.7"
    with override_settings(REVERSE_PROXY_COUNT=0):
        assert throttling.client_address(request) == "127.0.0.1"


# --- Per-user limits -----------------------------------------------------------------------------


@pytest.fixture
def paper():
    serik = factories.speaker("serik")
    event = tiny_proceedings().event
    return make.paper_of(serik, event, make.talk_of(serik, event))


def upload(client, paper, **headers):
    url = reverse("proceedings:upload", kwargs={"pk": paper.pk})
    return client.post(url, {"file": make.pdf_file()}, **headers)


@override_settings(UPLOAD_RATE_LIMIT="2/h")
def test_the_upload_beyond_the_hourly_limit_gets_429_with_a_message(client, paper):
    client.force_login(paper.speaker.user)
    as_script = {"HTTP_ACCEPT": "application/json"}

    assert [upload(client, paper, **as_script).status_code for _ in range(2)] == [200, 200]
    refused = upload(client, paper, **as_script)
    page = upload(client, paper)

    assert refused.status_code == 429
    [message] = refused.json()["errors"]
    assert message.startswith("You have done this too often in a short time. Try again in")
    assert refused.json()["ok"] is False
    assert int(refused["Retry-After"]) <= 3600
    assert page.status_code == 429
    assert message.split(" Try")[0] in page.text
    assert paper.versions.count() == 2
    # The limit is each user's own.
    client.force_login(factories.organiser("aigerim"))
    assert upload(client, paper, **as_script).status_code == 200


@override_settings(PREVIEW_RATE_LIMIT="2/h")
@pytest.mark.parametrize("view", ["preview", "preview_pdf"])
def test_the_preview_beyond_the_hourly_limit_gets_429(client, paper, view):
    make.upload(paper, paper.speaker.user, make.docx_file())
    client.force_login(paper.speaker.user)
    url = reverse(f"proceedings:{view}", kwargs={"pk": paper.pk})

    assert [client.get(url).status_code for _ in range(2)] == [200, 200]
    refused = client.get(url)

    assert refused.status_code == 429
    assert "too often" in refused.text
    client.force_login(factories.organiser("aigerim"))
    assert client.get(url).status_code == 200


@override_settings(BOOK_BUILD_RATE_LIMIT="2/h")
def test_the_book_build_beyond_the_hourly_limit_gets_429(client):
    proceedings = tiny_proceedings()
    client.force_login(factories.organiser("chair"))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    url = reverse("admin:proceedings_proceedings_build", args=[proceedings.pk])
    page = change_url(proceedings)

    # The second one is refused as "already building", and counts all the same.
    assert [client.post(url).status_code for _ in range(2)] == [302, 302]
    refused = client.post(url, HTTP_REFERER=f"http://testserver{page}")

    assert refused.status_code == 429
    assert "too often" in refused.text
    assert f'href="http://testserver{page}"' in refused.text
    assert proceedings.builds.count() == 1
