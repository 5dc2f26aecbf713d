"""portal.demo creates two working accounts (本人 and 家族) with the printed password; idempotent."""

import datetime as dt

import pytest
from django.test import Client

from demo.population import seed_population
from demo.portal import DEMO_PASSWORD, seed
from members.codes import Relationship
from members.models import InsuredPerson

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 26)


def test_demo_accounts_log_in() -> None:
    population = seed_population(persons=80, today=TODAY)
    summary = seed(population, today=TODAY)
    assert "demo-honnin" in summary and "demo-kazoku" in summary and DEMO_PASSWORD in summary
    assert InsuredPerson.objects.get(user__username="demo-kazoku").relationship == Relationship.FAMILY
    for username in ("demo-honnin", "demo-kazoku"):
        client = Client()
        response = client.post("/login/", {"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 302
        assert client.get("/me/guidance/").status_code == 200
    assert seed(population, today=TODAY) == "no portal accounts created"
