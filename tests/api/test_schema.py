"""The OpenAPI schema: complete and free of warnings, its docs page self-hosted, and the live API
answering schemathesis' generated requests without a server error and as the schema says."""

import re
import time
from collections import Counter

import pytest
import requests
from django.contrib.staticfiles import finders
from django.core.management import call_command
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.openapi import from_url
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from speakers.models import AcademicTitle, Degree, Rank
from tests.api.conftest import client_of, round_table
from tests.factories import organiser

API = "/api/v1"
RESOURCES = {
    "events": "{slug}",
    "rooms": "{id}",
    "programme": "{id}",
    "programme-items": "{id}",
    "people": "{slug}",
    "participations": "{id}",
    "papers": "{id}",
    "proceedings": "{event}",
    "resolutions": "{event}",
    "degrees": "{id}",
    "academic-titles": "{id}",
    "ranks": "{id}",
}
WRITABLE = {"events", "rooms", "programme-items", "people", "participations"}


@pytest.fixture
def schema(db):
    response = client_of().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def test_the_schema_validates_without_warnings(db, tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", tmp_path / "api.yaml")

    assert "/api/v1/events/{slug}/" in (tmp_path / "api.yaml").read_text()


def test_every_endpoint_and_method_is_documented(schema):
    expected = {}
    for name, lookup in RESOURCES.items():
        write = name in WRITABLE
        expected[f"{API}/{name}/"] = {"get", "post"} if write else {"get"}
        expected[f"{API}/{name}/{lookup}/"] = (
            {"get", "put", "patch", "delete"} if write else {"get"}
        )

    documented = {path: set(methods) for path, methods in schema["paths"].items()}

    assert documented == expected
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            assert operation["description"], (path, method)
            names = {parameter["name"] for parameter in operation.get("parameters", [])}
            assert ("lang" in names) == (method != "delete"), (path, method)


def test_changes_and_deletions_document_if_match_and_its_refusals(schema):
    writes = [
        (path, method, operation)
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
        if method in {"put", "patch", "delete"}
    ]

    assert len(writes) == 3 * len(WRITABLE)
    for path, method, operation in writes:
        headers = {p["name"]: p for p in operation["parameters"] if p["in"] == "header"}
        assert headers["If-Match"]["required"], (path, method)
        assert {"412", "428"} <= set(operation["responses"]), (path, method)
        if method != "delete":
            assert "ETag" in operation["responses"]["200"]["headers"], (path, method)


def test_translated_fields_are_documented_as_language_objects(schema):
    components = schema["components"]["schemas"]

    assert set(components["Translations"]["properties"]) == {"kk", "ru", "en"}
    assert components["Event"]["properties"]["theme"]["oneOf"] == [
        {"$ref": "#/components/schemas/Translations"},
        {"type": "string"},
    ]
    assert components["EventRequest"]["properties"]["theme"]["additionalProperties"] is False


def test_the_docs_page_loads_its_assets_from_this_site(db):
    response = client_of().get("/api/docs/")
    page = response.content.decode()

    assets = re.findall(r"""(?:src|href)=["']([^"']+)["']""", page)

    assert response.status_code == 200
    assert not re.search(r"https?://|//[a-z]", page.replace("http://testserver", ""))
    assert assets
    for asset in assets:
        assert asset.startswith("/static/"), asset
        assert finders.find(asset.removeprefix("/static/")), asset


# --- Schemathesis against the live app ------------------------------------------------------------

EXAMPLES = {"GET": 12, "POST": 10, "PUT": 5, "PATCH": 5, "DELETE": 3}
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def addresses(event):
    """{path template: its path parameters} for objects of `event`."""
    return {
        f"{API}/events/{{slug}}/": {"slug": event.slug},
        f"{API}/rooms/{{id}}/": {"id": event.rooms.first().pk},
        f"{API}/people/{{slug}}/": {"slug": event.participations.first().person.slug},
        f"{API}/programme/{{id}}/": {"id": event.programme_items.first().pk},
        f"{API}/programme-items/{{id}}/": {"id": event.programme_items.first().pk},
        f"{API}/participations/{{id}}/": {"id": event.participations.first().pk},
        f"{API}/papers/{{id}}/": {"id": event.papers.filter(status="accepted").first().pk},
        f"{API}/proceedings/{{event}}/": {"event": event.slug},
        f"{API}/resolutions/{{event}}/": {"event": event.slug},
        f"{API}/degrees/{{id}}/": {"id": Degree.objects.first().pk},
        f"{API}/academic-titles/{{id}}/": {"id": AcademicTitle.objects.first().pk},
        f"{API}/ranks/{{id}}/": {"id": Rank.objects.first().pk},
    }


def read_first(case, *, base_url, headers):
    """{"If-Match": the object's ETag} for a change or deletion, read as a careful client does
    just before (the generated If-Match would only ever be refused); {} for other requests or
    when the object cannot be read (the write answers 404 or 428 then, as documented)."""
    if case.method.upper() not in {"PUT", "PATCH", "DELETE"}:
        return {}
    read = requests.get(f"{base_url}{case.formatted_path}", headers=headers, timeout=30)
    return {"If-Match": read.headers["ETag"]} if "ETag" in read.headers else {}


def exercise(strategy, *, examples, base_url, headers, statuses, failures):
    """Send `examples` generated cases of one operation; count the statuses, keep the failures."""

    @given(case=strategy)
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        sent = {**headers, **read_first(case, base_url=base_url, headers=headers)}
        response = case.call(base_url=base_url, headers=sent)
        statuses[f"{case.method.upper()} {response.status_code}"] += 1
        try:
            case.validate_response(response, checks=CHECKS, headers=sent)
        except (FailureGroup, AssertionError) as failure:
            failures.append(f"{case.operation.label}: {failure}")

    run()


@pytest.mark.django_db(transaction=True)
@pytest.mark.slow
def test_schemathesis_finds_no_server_error_and_no_response_outside_the_schema(live_server):
    """Generated requests for every operation: reads anonymous, writes with an organiser's token.
    Bounded: a few examples per operation, no shrinking (a failure is reported as found)."""
    token = client_of(organiser("aigerim"))._credentials["HTTP_AUTHORIZATION"]
    # Reads and edits address the objects of one round table, deletions those of another; lists
    # are read from their first page (other pages are 404, as DRF answers).
    kept, deleted = addresses(round_table(0)), addresses(round_table(1))
    schema = from_url(f"{live_server.url}/api/schema/?format=json")
    statuses, failures = Counter(), []
    started = time.monotonic()

    for result in schema.get_all_operations():
        operation = result.ok()
        method = operation.method.upper()
        if "{" in operation.path:
            objects = deleted if method == "DELETE" else kept
            strategy = operation.as_strategy(path_parameters=objects[operation.path])
        elif method == "GET":
            strategy = operation.as_strategy(query={"page": 1})
        else:
            strategy = operation.as_strategy()
        exercise(
            strategy,
            examples=EXAMPLES[method],
            base_url=live_server.url,
            headers={} if method == "GET" else {"Authorization": token},
            statuses=statuses,
            failures=failures,
        )

    elapsed = time.monotonic() - started
    cases = sum(statuses.values())
    print(f"schemathesis: {cases} cases, {len(failures)} failures, {elapsed:.1f} s: {statuses}")
    assert not failures, "\n\n".join(failures)
    assert cases >= 150
    assert statuses["GET 200"] and statuses["PATCH 200"] and statuses["POST 400"]
    assert statuses["PUT 200"] and statuses["DELETE 204"]


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_schema_is_in_english_whatever_the_visitors_language(db, language):
    english = client_of().get("/api/schema/", {"format": "json"}).json()

    by_header = client_of().get(
        "/api/schema/", {"format": "json"}, headers={"accept-language": language}
    )
    by_parameter = client_of().get("/api/schema/", {"format": "json", "lang": language})

    # Generated clients name classes after titles such as the `kind` filter's: "Kind", not "Түрі".
    assert by_header.json() == english and by_parameter.json() == english
    kind = next(
        parameter
        for parameter in english["paths"]["/api/v1/programme-items/"]["get"]["parameters"]
        if parameter["name"] == "kind"
    )
    assert kind["schema"].get("title", "Kind").isascii()
