"""OpenAPI schema and docs are served, with the upload formats and examples."""

from tests.conftest import key_client


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


# The bounded Schemathesis run over the whole schema (every key kind, no 5xx) is
# tests/reliability/test_schemathesis_all_keys.py.
