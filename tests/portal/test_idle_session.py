"""The idle logout with one session write a minute (config.middleware.IdleSessionMiddleware, issue #18)."""

import datetime as dt
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from config import middleware

pytestmark = pytest.mark.django_db

ME = reverse("portal:me")


def _session_writes(client: Client, path: str = ME) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return sum(
        1
        for q in queries.captured_queries
        if q["sql"].startswith(("UPDATE", "INSERT")) and "django_session" in q["sql"]
    )


def _expiry(client: Client):
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_pages_within_a_minute_do_not_write_the_session(client_a: Client) -> None:
    assert _session_writes(client_a) == 0  # stamped at the login
    assert _session_writes(client_a) == 0
    assert _session_writes(client_a, reverse("portal:checkups")) == 0


def test_a_page_a_minute_later_pushes_the_expiry_forward(client_a: Client) -> None:
    client_a.get(ME)
    first = _expiry(client_a)
    now = middleware.time.time()
    later = now + settings.SESSION_REFRESH_SECONDS
    shifted = timezone.now() + dt.timedelta(seconds=61)
    with (
        mock.patch.object(middleware.time, "time", return_value=later),
        mock.patch.object(timezone, "now", return_value=shifted),
    ):
        assert _session_writes(client_a) == 1
    assert (_expiry(client_a) - first).total_seconds() >= 60
    assert _expiry(client_a) - timezone.now() <= dt.timedelta(seconds=settings.SESSION_COOKIE_AGE + 61)


def test_the_session_still_ends_after_the_idle_time(client_a: Client) -> None:
    client_a.get(ME)
    Session.objects.filter(session_key=client_a.session.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)  # SESSION_COOKIE_AGE without a write
    )
    response = client_a.get(ME)
    assert response.status_code == 302 and response["Location"].startswith(reverse("portal:login"))


def test_an_anonymous_visit_creates_no_session() -> None:
    client = Client()
    assert client.get(reverse("portal:login")).status_code == 200
    assert not Session.objects.exists()
