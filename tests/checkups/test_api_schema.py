"""OpenAPI schema and docs are served, and a bounded Schemathesis run over the whole schema finds no 5xx."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings

from tests.conftest import key_client
from tests.factories import api_key

MAX_EXAMPLES = 20  # per operation and key: bounded so it runs in `make test`


def test_schema_and_docs_are_served(world, clinic_x_key) -> None:
    client = key_client(clinic_x_key)
    schema = client.get("/api/v1/schema/?format=json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert {"/api/v1/checkups/", "/api/v1/checkups/{id}/", "/api/v1/uploads/", "/api/v1/uploads/{id}/"} <= set(paths)
    upload = paths["/api/v1/uploads/"]["post"]
    assert {"multipart/form-data", "application/zip", "application/xml"} <= set(upload["requestBody"]["content"])
    assert upload["responses"]["201"]["content"]["application/json"]["examples"]
    checkup = paths["/api/v1/checkups/"]["post"]
    assert checkup["requestBody"]["content"]["application/json"]["examples"]
    assert client.get("/api/v1/docs/").status_code == 200


@pytest.fixture
def wsgi_schema(world):
    """The schema served by the WSGI app; like Django's test client, keep the test's database connection open
    across requests (close_old_connections would end the test transaction on PostgreSQL)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", get_wsgi_application())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.mark.slow
@pytest.mark.parametrize("who", ["clinic", "staff"])
def test_no_server_errors(world, clinic_x, wsgi_schema, who) -> None:
    key = api_key("clinic", clinic=clinic_x) if who == "clinic" else api_key("staff", insurer=world.insurer_a)
    headers = {"Authorization": f"Api-Key {key}"}
    failures: list[str] = []
    for result in wsgi_schema.get_all_operations():
        operation = result.ok()

        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def check(case) -> None:
            response = case.call(headers=headers)
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path} → {response.status_code}")

        check()
    assert not failures, failures
