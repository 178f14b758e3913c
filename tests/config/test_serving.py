"""The production stack's pieces: the health check, the page shown while the database is down,
gunicorn's configuration and the production static files storage."""

import os
import runpy
from unittest import mock

import pytest
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper
from django.urls import path

from config.urls import urlpatterns as site_patterns
from tests.config.test_settings import manage


def database_down(request, lang):
    raise OperationalError("connection failed: server closed the connection unexpectedly")


urlpatterns = [path("<str:lang>/down/", database_down), *site_patterns]


@pytest.mark.django_db
def test_the_health_check_answers_ok_without_session_or_cache(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies


@pytest.mark.django_db
def test_the_health_check_says_unavailable_when_the_database_is_down(client):
    with mock.patch.object(CursorWrapper, "execute", side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_a_page_that_finds_the_database_down_is_a_friendly_503(client):
    response = client.get("/ru/down/", HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert '<html lang="ru">' in response.text
    assert "<h1>" in response.text
    assert "csrftoken" not in response.cookies


def test_gunicorn_takes_its_workers_from_the_cores_and_its_address_from_the_environment():
    with mock.patch.dict(os.environ, {"HOST": "0.0.0.0", "PORT": "9000"}):
        os.environ.pop("WEB_CONCURRENCY", None)
        config = runpy.run_path("config/gunicorn.conf.py")
    assert config["workers"] == 2 * len(os.sched_getaffinity(0)) + 1
    assert config["bind"] == ["0.0.0.0:9000"]
    assert config["accesslog"] == "-"
    assert config["wsgi_app"] == "config.wsgi:application"


@pytest.mark.slow
def test_production_serves_compressed_static_files_under_hashed_names():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.STORAGES['staticfiles']['BACKEND'])",
        SECRET_KEY="a-production-secret-" + "q7Zp" * 12,
        ALLOWED_HOSTS="roundtable.example.kz",
        DATABASE_URL=os.environ["DATABASE_URL"],
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("whitenoise.storage.CompressedManifestStaticFilesStorage")
