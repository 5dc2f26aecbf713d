"""Who sees what: another insurer's person answers 404 in the admin and the API, for every role."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from members.actors import ActorKind, actor_for_user
from members.models import AccessLog, InsuredPerson
from tests.conftest import key_client
from tests.factories import UserFactory, api_key


def admin_person_url(person: InsuredPerson) -> str:
    return reverse("admin:members_insuredperson_change", args=[person.pk])


def test_staff_sees_only_their_insurers_people_in_the_admin(world, alice_client) -> None:
    assert alice_client.get(admin_person_url(world.person_a)).status_code == 200
    assert alice_client.get(admin_person_url(world.person_b)).status_code == 404
    listing = alice_client.get(reverse("admin:members_insuredperson_changelist"))
    assert listing.status_code == 200
    assert list(listing.context["cl"].queryset) == [world.person_a]


def test_staff_of_two_insurers_sees_both(world, alice) -> None:
    from members.models import StaffMembership

    StaffMembership.objects.create(user=alice, insurer=world.insurer_b)
    client = Client()
    client.force_login(alice)
    assert client.get(admin_person_url(world.person_b)).status_code == 200


def test_superuser_sees_every_insurer(world) -> None:
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(root)
    assert client.get(admin_person_url(world.person_b)).status_code == 200


def test_non_staff_user_cannot_open_the_admin(world) -> None:
    client = Client()
    client.force_login(UserFactory(username="mallory"))
    response = client.get(admin_person_url(world.person_a))
    assert response.status_code == 302  # sent to the admin login


@pytest.mark.parametrize("via", ["session", "staff_key"])
def test_staff_api_person_detail_is_scoped(world, alice_api, staff_key_a, via: str) -> None:
    client = alice_api if via == "session" else key_client(staff_key_a)
    own = client.get(f"/api/v1/persons/{world.person_a.pk}/")
    assert own.status_code == 200
    assert own.json()["card_number"] == "111"
    assert client.get(f"/api/v1/persons/{world.person_b.pk}/").status_code == 404
    listing = client.get("/api/v1/persons/").json()
    assert [p["id"] for p in listing["results"]] == [world.person_a.pk]


@pytest.mark.parametrize("kind", ["clinic", "employer", "guidance_provider"])
def test_machine_keys_other_than_staff_cannot_read_persons(world, kind: str) -> None:
    from members.models import GuidanceProvider
    from tests.factories import ClinicFactory, EmployerFactory

    targets: dict[str, dict[str, Any]] = {
        "clinic": {"clinic": ClinicFactory()},
        "employer": {"employer": EmployerFactory(insurer=world.insurer_a)},
        "guidance_provider": {"guidance_provider": GuidanceProvider.objects.create(number="8888888888", name="P")},
    }
    client = key_client(api_key(kind, **targets[kind]))
    assert client.get(f"/api/v1/persons/{world.person_a.pk}/").status_code == 403


def test_anonymous_and_bad_key_are_refused(world) -> None:
    assert key_client("nope.nope").get("/api/v1/persons/").status_code in (401, 403)
    assert Client().get("/api/v1/persons/").status_code in (401, 403)


def test_revoked_key_is_refused(world) -> None:
    from members.models import ApiKey

    key = api_key("staff", insurer=world.insurer_a)
    ApiKey.objects.update(revoked=True)
    assert key_client(key).get("/api/v1/persons/").status_code in (401, 403)


def test_person_actor_sees_only_themselves(world) -> None:
    user = UserFactory(username="person-a")
    world.person_a.user = user
    world.person_a.save()
    actor = actor_for_user(user)
    assert actor.kind == ActorKind.PERSON
    assert list(InsuredPerson.objects.visible_to(actor)) == [world.person_a]


def test_admin_and_api_reads_are_access_logged_without_health_values(world, alice_client, alice_api) -> None:
    alice_client.get(admin_person_url(world.person_a), REMOTE_ADDR="10.1.2.3")
    alice_api.get(f"/api/v1/persons/{world.person_a.pk}/")
    logs = list(AccessLog.objects.order_by("pk"))
    assert [(log.action, log.person_id) for log in logs] == [
        ("admin_view", world.person_a.pk),
        ("api_read", world.person_a.pk),
    ]
    assert logs[0].ip_address == "10.1.2.3"
    assert logs[0].actor_role == "保健師"
    assert "111" not in logs[0].target  # no card number in the log


def test_access_log_is_append_only(world, alice_client) -> None:
    alice_client.get(admin_person_url(world.person_a))
    log = AccessLog.objects.get()
    with pytest.raises(PermissionError):
        log.save()
    with pytest.raises(PermissionError):
        AccessLog.objects.all().delete()
    with pytest.raises(PermissionError):
        AccessLog.objects.update(target="x")


def test_person_page_links_to_the_invitation_letter(world, alice_client) -> None:
    body = alice_client.get(admin_person_url(world.person_a)).content.decode()
    assert reverse("admin:portal_invitation_issue_for", args=[world.person_a.pk]) in body
