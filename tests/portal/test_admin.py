"""Staff issue an invitation letter; the code appears once; another insurer's person is a 404."""

import pytest
from django.test import Client
from django.urls import reverse

from portal.models import Invitation
from portal.services import invitation_redeem

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_issue_letter_shows_code_once_and_it_works(alice_client: Client, world) -> None:
    url = reverse("admin:portal_invitation_issue_for", args=[world.person_a.pk])
    assert alice_client.get(url).status_code == 200
    response = alice_client.post(url, {"person": world.person_a.pk}, follow=True)
    body = response.content.decode()
    assert response.status_code == 200 and "招待コード" in body
    assert "no-store" in response["Cache-Control"]
    code = body.split('class="code"')[1].split(">")[1].split("<")[0]
    invitation = Invitation.objects.get()
    assert invitation.created_by.username == "alice"
    again = alice_client.get(reverse("admin:portal_invitation_letter", args=[invitation.pk])).content.decode()
    assert code not in again  # shown once, never stored
    user = invitation_redeem(code=code, birth_date=world.person_a.birth_date, username="hanako", password=PASSWORD)
    assert user.insured_person == world.person_a


def test_other_insurers_person_is_404(alice_client: Client, world) -> None:
    url = reverse("admin:portal_invitation_issue_for", args=[world.person_b.pk])
    assert alice_client.get(url).status_code == 404
    assert alice_client.post(reverse("admin:portal_invitation_issue"), {"person": world.person_b.pk}).status_code == 200
    assert not Invitation.objects.exists()
