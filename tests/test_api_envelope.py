"""Issue #13: one error envelope for every 4xx of the API, framework errors included; per-key throttling from
API_THROTTLE_RATE through the shared cache; API docs served from the project (no CDN)."""

import os
import re
import uuid

import pytest
from django.core.cache import cache
from django.test import override_settings
from rest_framework.test import APIClient

from infra.api_errors import REQUEST_MESSAGES, VALIDATION_MESSAGES, validation_errors
from members.api_auth import ApiKeyRateThrottle
from tests.conftest import key_client

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
ENVELOPE_KEYS = {"field", "code", "value", "message_ja", "message_en"}


def _assert_envelope(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content[:300]
    body = response.json()
    assert set(body) == {"errors"}
    errors = body["errors"]
    assert errors
    for error in errors:
        assert set(error) == ENVELOPE_KEYS
        assert JAPANESE.search(error["message_ja"]), error
        assert not JAPANESE.search(error["message_en"]), error
        assert error["message_en"].strip()
    assert errors[0]["code"] == code
    return errors[0]


def test_401_without_a_key(world) -> None:
    _assert_envelope(APIClient().get("/api/v1/checkups/"), 401, "not_authenticated")


def test_401_with_a_wrong_key(world) -> None:
    _assert_envelope(key_client("abc.def").get("/api/v1/checkups/"), 401, "authentication_failed")


def test_403_when_the_key_kind_may_not(world, clinic_x_key) -> None:
    response = key_client(clinic_x_key).get("/api/v1/persons/")
    _assert_envelope(response, 403, "permission_denied")


def test_404_unknown_record_and_unknown_url(world, clinic_x_key) -> None:
    client = key_client(clinic_x_key)
    _assert_envelope(client.get("/api/v1/checkups/999999/"), 404, "not_found")
    _assert_envelope(client.get("/api/v1/no-such-endpoint/"), 404, "not_found")


def test_405_wrong_method(world, clinic_x_key) -> None:
    _assert_envelope(key_client(clinic_x_key).delete("/api/v1/checkups/"), 405, "method_not_allowed")


def test_415_unsupported_media_type(world, clinic_x_key) -> None:
    response = key_client(clinic_x_key).post("/api/v1/checkups/", data=b"a,b", content_type="text/csv")
    _assert_envelope(response, 415, "unsupported_media_type")


def test_400_malformed_json(world, clinic_x_key) -> None:
    response = key_client(clinic_x_key).post(
        "/api/v1/checkups/", data=b'{"insurer_number": "069', content_type="application/json"
    )
    _assert_envelope(response, 400, "parse_error")


def test_validation_errors_name_field_value_and_rule() -> None:
    from rest_framework.exceptions import ErrorDetail

    detail = {
        "exam_date": [ErrorDetail("Date has wrong format.", code="invalid")],
        "results": [{"value": [ErrorDetail("Ensure this field has no more than 12 characters.", code="max_length")]}],
        "card": [ErrorDetail("This field is required.", code="required")],
    }
    data = {"exam_date": "2025/13/01", "results": [{"value": "x" * 20}]}
    errors = {e["field"]: e for e in validation_errors(detail, data=data)}
    assert errors["exam_date"]["value"] == "2025/13/01"
    assert errors["exam_date"]["code"] == "invalid"
    assert errors["results[0].value"]["message_ja"] == "results[0].value は 12 文字以内にしてください"
    assert errors["results[0].value"]["message_en"] == "results[0].value: at most 12 characters"
    assert errors["card"]["value"] is None
    assert errors["card"]["message_en"] == "card is required"


@pytest.mark.parametrize("code", sorted(VALIDATION_MESSAGES) + sorted(REQUEST_MESSAGES))
def test_every_message_exists_in_both_languages(code: str) -> None:
    from infra.i18n import bilingual, message

    template = VALIDATION_MESSAGES.get(code) or REQUEST_MESSAGES[code]
    ja, en = bilingual(message(template, field="f", limit="3"))
    assert JAPANESE.search(ja), ja
    assert not JAPANESE.search(en), en


ANY_RECORD = "/api/v1/checkups/999999/"  # a throttled endpoint whose answer does not depend on data


@pytest.fixture
def slow_throttle(monkeypatch):
    monkeypatch.setattr(ApiKeyRateThrottle, "THROTTLE_RATES", {"api_key": "3/min"})
    cache.clear()
    yield
    cache.clear()


def test_429_with_retry_after_per_key(world, clinic_x_key, clinic_y_key, slow_throttle) -> None:
    client = key_client(clinic_x_key)
    for _ in range(3):
        assert client.get(ANY_RECORD).status_code == 404
    response = client.get(ANY_RECORD)
    _assert_envelope(response, 429, "throttled")
    assert int(response["Retry-After"]) > 0
    assert key_client(clinic_y_key).get(ANY_RECORD).status_code == 404  # another key has its own bucket


@pytest.mark.skipif(not os.environ.get("CELERY_BROKER_URL", "").startswith("redis"), reason="needs Redis")
def test_throttle_is_shared_across_processes_through_redis(world, clinic_x_key, slow_throttle) -> None:
    """Two cache clients (as two gunicorn workers would have) count in one bucket in Redis."""
    from django.core.cache import caches

    redis_cache = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ["CELERY_BROKER_URL"],
        "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
    }
    with override_settings(CACHES={"default": redis_cache}):
        client = key_client(clinic_x_key)
        for _ in range(2):
            assert client.get(ANY_RECORD).status_code == 404
        caches["default"].close()
        del caches["default"]  # a new connection: like a second process
        assert client.get(ANY_RECORD).status_code == 404
        assert client.get(ANY_RECORD).status_code == 429


def test_throttle_rate_setting_names() -> None:
    from django.conf import settings

    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["api_key"]  # API_THROTTLE_RATE, default 600/min
    source = (settings.BASE_DIR / "config" / "settings" / "base.py").read_text(encoding="utf-8")
    assert 'env.str("API_THROTTLE_RATE"' in source and 'default="600/min"' in source


EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["'](?:https?:)?//""", re.IGNORECASE)


@pytest.mark.parametrize("path", ["/api/v1/docs/", "/api/v1/redoc/"])
def test_api_docs_need_no_external_url(world, clinic_x_key, path: str) -> None:
    response = key_client(clinic_x_key).get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert not EXTERNAL.search(html), EXTERNAL.search(html)
    assert "cdn.jsdelivr" not in html and "googleapis" not in html
    assert "/static/drf_spectacular_sidecar/" in html
