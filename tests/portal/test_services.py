"""Invitations: one-time, 30 days, birth date checked, reset keeps the login ID; own log kept apart."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from portal.models import Invitation
from portal.services import (
    INVITATION_VALID_DAYS,
    InvitationError,
    format_code,
    invitation_issue,
    invitation_redeem,
    normalise_code,
)

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_code_is_stored_only_as_a_hash(world) -> None:
    issued = invitation_issue(person=world.person_a, created_by=None)
    raw = normalise_code(issued.code)
    assert len(raw) == 12
    assert raw not in issued.invitation.code_hash
    assert issued.invitation.expires_at - issued.invitation.created_at == dt.timedelta(days=INVITATION_VALID_DAYS)


@pytest.mark.parametrize("typed", ["{c}", "{c_lower}", "{c_spaced}", "{c_fullwidth}"])
def test_code_as_typed_by_a_person(world, typed: str) -> None:
    issued = invitation_issue(person=world.person_a, created_by=None)
    code = issued.code
    variants = {
        "c": code,
        "c_lower": code.lower(),
        "c_spaced": code.replace("-", " "),
        "c_fullwidth": code.translate({ord(ch): ord(ch) + 0xFEE0 for ch in "0123456789ABCDEFGHJKMNPQRSTVWXYZ"}),
    }
    user = invitation_redeem(
        code=typed.format(**variants), birth_date=world.person_a.birth_date, username="hanako", password=PASSWORD
    )
    world.person_a.refresh_from_db()
    assert world.person_a.user == user
    assert not user.is_staff


def test_register_then_code_is_used_up(world) -> None:
    issued = invitation_issue(person=world.person_a, created_by=None)
    invitation_redeem(code=issued.code, birth_date=world.person_a.birth_date, username="hanako", password=PASSWORD)
    with pytest.raises(InvitationError):
        invitation_redeem(code=issued.code, birth_date=world.person_a.birth_date, username="x2", password=PASSWORD)


def test_wrong_birth_date_is_refused(world) -> None:
    issued = invitation_issue(person=world.person_a, created_by=None)
    with pytest.raises(InvitationError, match="生年月日"):
        invitation_redeem(code=issued.code, birth_date=dt.date(1999, 1, 1), username="hanako", password=PASSWORD)
    assert Invitation.objects.get().used_at is None


@pytest.mark.parametrize(("days", "ok"), [(INVITATION_VALID_DAYS - 1, True), (INVITATION_VALID_DAYS, False)])
def test_code_expires_after_30_days(world, days: int, ok: bool) -> None:
    issued = invitation_issue(person=world.person_a, created_by=None)
    later = timezone.now() + dt.timedelta(days=days, seconds=1 if not ok else 0)
    kwargs = {"code": issued.code, "birth_date": world.person_a.birth_date, "username": "h", "password": PASSWORD}
    if ok:
        invitation_redeem(now=later, **kwargs)
    else:
        with pytest.raises(InvitationError, match="有効期限"):
            invitation_redeem(now=later, **kwargs)


def test_new_invitation_revokes_the_old_one_and_resets_password(world) -> None:
    first = invitation_issue(person=world.person_a, created_by=None)
    second = invitation_issue(person=world.person_a, created_by=None)
    with pytest.raises(InvitationError):
        invitation_redeem(code=first.code, birth_date=world.person_a.birth_date, username="h", password=PASSWORD)
    user = invitation_redeem(code=second.code, birth_date=world.person_a.birth_date, username="h", password=PASSWORD)
    reset = invitation_issue(person=world.person_a, created_by=None)
    assert reset.invitation.is_reset
    same = invitation_redeem(
        code=reset.code, birth_date=world.person_a.birth_date, username="", password="Another-long-pass-99"
    )
    assert same.pk == user.pk and same.username == "h"
    same.refresh_from_db()
    assert same.check_password("Another-long-pass-99")


@pytest.mark.parametrize("password", ["short1!", "password123", "12345678901234"])
def test_django_password_validators_apply(world, password: str) -> None:
    issued = invitation_issue(person=world.person_a, created_by=None)
    with pytest.raises(ValidationError):
        invitation_redeem(code=issued.code, birth_date=world.person_a.birth_date, username="hanako", password=password)
    assert Invitation.objects.get().used_at is None  # the code still works after a refused password


def test_login_id_must_be_free(world, alice) -> None:
    issued = invitation_issue(person=world.person_a, created_by=None)
    with pytest.raises(InvitationError, match="ログインID"):
        invitation_redeem(code=issued.code, birth_date=world.person_a.birth_date, username="ALICE", password=PASSWORD)


def test_format_code_groups_by_four() -> None:
    assert format_code("ABCDEFGHJKMN") == "ABCD-EFGH-JKMN"
    assert normalise_code("abcd-efgh-jkmn") == "ABCDEFGHJKMN"
    assert normalise_code("O0 I1 L") == "00111"
