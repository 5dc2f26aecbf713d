"""Schemathesis over the whole OpenAPI schema with every kind of caller: no 5xx, whoever asks and whatever is sent,
and every 4xx in the one error envelope (issue #13) with both languages filled.

Callers: a clinic, an employer, a guidance provider and insurer staff (API keys), and nobody (anonymous). The
world of the authorization matrix is loaded first, so generated ids often name real rows of every kind.
Bounded: MAX_EXAMPLES per operation and caller (about 20 s in all on PostgreSQL), so it runs in `make test`.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings

from tests.reliability.test_authorization_matrix import World, world  # noqa: F401 - the fixture

MAX_EXAMPLES = 20
ENVELOPE_KEYS = {"field", "code", "value", "message_ja", "message_en"}


def _envelope_problem(response) -> str | None:
    """None when a 4xx answer is `{"errors": [{field, code, value, message_ja, message_en}, …]}`."""
    try:
        body = response.json()
    except ValueError:
        return "not JSON"
    errors = body.get("errors") if isinstance(body, dict) else None
    if not isinstance(errors, list) or not errors:
        return f"no errors list: {str(body)[:120]}"
    for error in errors:
        if not isinstance(error, dict) or not set(error) >= ENVELOPE_KEYS:
            return f"entry without {ENVELOPE_KEYS}: {str(error)[:120]}"
        if not error["message_ja"] or not error["message_en"]:
            return f"a language is empty: {str(error)[:120]}"
    return None


CALLERS = {"clinic": "clinic_x", "employer": "employer", "guidance_provider": "provider", "staff": "staff_a"}


@pytest.fixture
def wsgi_schema(world: World):  # noqa: F811 - the imported fixture
    """The served schema; the test's database connection stays open across requests (see test_api_schema)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", get_wsgi_application())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.mark.slow
@pytest.mark.parametrize("caller", [*CALLERS, "anonymous"])
def test_no_server_errors_for_any_caller(world: World, wsgi_schema, caller: str) -> None:  # noqa: F811
    headers = {"Authorization": f"Api-Key {world.keys[CALLERS[caller]]}"} if caller in CALLERS else {}
    failures: list[str] = []
    operations = 0
    for result in wsgi_schema.get_all_operations():
        operation = result.ok()
        operations += 1

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
            elif response.status_code >= 400 and (problem := _envelope_problem(response)):
                failures.append(f"{case.method} {case.formatted_path} → {response.status_code}: {problem}")

        check()
    assert operations >= 10, operations  # the whole schema, not a part of it
    assert not failures, failures
