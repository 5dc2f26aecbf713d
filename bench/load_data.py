"""The load test's data (bench/load_test.py): its database, Django set up and seeded, and what the run sends.

The upload persons (LOAD_PERSONS, card symbol LOAD_SYMBOL, enrolled so every record is stored) start each run from
a clean slate; PAGE_SESSIONS demo persons with checkups get a logged-in session each.
"""

import datetime as dt
import os

LOAD_SYMBOL = "LT"  # card symbol of the persons created for the upload load
LOAD_PERSONS = 12_000
PAGE_SESSIONS = 50
CLINIC_NUMBER = "9999999997"


def ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[-1]
    if "bench" not in name:
        raise SystemExit(f"refusing to use {name!r}: the bench database name must contain 'bench'")
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


SECRET = "bench-load-secret-not-used-anywhere-else-" + "x" * 30  # sessions made here must decode in gunicorn


def django_setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SECRET_KEY"] = SECRET
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0)


def prepare() -> tuple[str, list[tuple], list[str]]:
    """The clinic key, the upload persons (a clean slate) and session cookies of members with checkups."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import transaction

    from checkups.models import Checkup, Upload
    from demo.population import DEMO_INSURER_NUMBER
    from guidance.models import Programme
    from members.codes import Relationship
    from members.models import ApiKey, Clinic, Enrollment, InsuredPerson, Insurer

    insurer = Insurer.objects.get(number=DEMO_INSURER_NUMBER)
    clinic, _ = Clinic.objects.get_or_create(number=CLINIC_NUMBER, defaults={"name": "負荷試験クリニック"})
    with transaction.atomic():
        uploads = Upload.objects.filter(submitted_by_clinic=clinic)
        checkups = Checkup.objects.filter(submitted_by_clinic=clinic)
        Programme.objects.filter(checkup__in=checkups).delete()
        checkups.delete()
        uploads.delete()
    existing = InsuredPerson.objects.filter(insurer=insurer, card_symbol=LOAD_SYMBOL).count()
    if existing < LOAD_PERSONS:
        people = InsuredPerson.objects.bulk_create(
            InsuredPerson(
                insurer=insurer,
                card_symbol=LOAD_SYMBOL,
                card_number=f"{number:07d}",
                card_branch="00",
                name_kana="フカシケンタロウ",
                sex=1 + number % 2,
                birth_date=dt.date(1960, 1, 1) + dt.timedelta(days=number % 9000),
                relationship=Relationship.SELF,
            )
            for number in range(existing, LOAD_PERSONS)
        )
        # enrolled, so every record is stored (a record outside an enrollment is held, SPEC §9.5)
        Enrollment.objects.bulk_create(Enrollment(person=p, acquired_on=dt.date(2000, 4, 1)) for p in people)
    persons = list(
        InsuredPerson.objects.filter(insurer=insurer, card_symbol=LOAD_SYMBOL)
        .order_by("card_number")
        .values_list("card_symbol", "card_number", "card_branch", "birth_date", "sex")
    )
    ApiKey.objects.filter(name="bench-load").delete()
    _, key = ApiKey.objects.create_key(name="bench-load", kind="clinic", clinic=clinic)

    user_model = get_user_model()
    members = list(
        InsuredPerson.objects.filter(insurer=insurer, checkups__isnull=False)
        .exclude(card_symbol=LOAD_SYMBOL)
        .distinct()
        .order_by("pk")[:PAGE_SESSIONS]
    )
    cookies = []
    from members.auth_backend import BACKEND as backend

    assert backend in settings.AUTHENTICATION_BACKENDS
    for person in members:
        if person.user_id is None:
            user = user_model.objects.create(username=f"bench-member-{person.pk}")
            user.set_unusable_password()
            user.save()
            InsuredPerson.objects.filter(pk=person.pk).update(user=user)
        else:
            user = user_model.objects.get(pk=person.user_id)
        session = SessionStore()
        session[SESSION_KEY], session[BACKEND_SESSION_KEY] = str(user.pk), backend
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        cookies.append(f"{settings.SESSION_COOKIE_NAME}={session.session_key}")
    return key, persons, cookies
