"""Write paths of the self-service page: invitations (register / reset), the person's own weight/waist log."""

import datetime as dt
import secrets
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, User
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from members.models import InsuredPerson

from .helpdesk import HelpDesk, help_desk_of_insurer
from .models import Invitation, SelfMeasurement

INVITATION_VALID_DAYS = 30  # issue #8: the letter's code is valid for 30 days
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U to misread on paper
CODE_LENGTH = 12  # 60 bits; with the birth date check and the attempt limit, guessing is hopeless
CODE_GROUP = 4
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})


class InvitationError(Exception):
    """The code, birth date or account data cannot be used; the message is safe to show."""


@dataclass(frozen=True)
class IssuedInvitation:
    invitation: Invitation
    code: str  # shown once on the letter, never stored


def normalise_code(raw: str) -> str:
    """Full-width, lower case, spaces and hyphens as a person types them → the canonical code."""
    text = unicodedata.normalize("NFKC", raw).upper().translate(_READ_AS)
    return "".join(ch for ch in text if ch in CODE_ALPHABET)


def format_code(code: str) -> str:
    return "-".join(code[i : i + CODE_GROUP] for i in range(0, len(code), CODE_GROUP))


def hash_code(code: str) -> str:
    """Keyed hash (HMAC-SHA256 with SECRET_KEY) so a stolen table cannot be brute-forced offline."""
    return salted_hmac("portal.invitation", normalise_code(code), algorithm="sha256").hexdigest()


@transaction.atomic
def invitation_issue(
    *, person: InsuredPerson, created_by: User | AnonymousUser | None, now: dt.datetime | None = None
) -> IssuedInvitation:
    """A new letter for `person`; earlier unused codes stop working. With an account it resets the password."""
    now = now or timezone.now()
    Invitation.objects.filter(person=person, used_at__isnull=True, revoked_at__isnull=True).update(revoked_at=now)
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    invitation = Invitation.objects.create(
        person=person,
        code_hash=hash_code(code),
        created_by=created_by if isinstance(created_by, User) and created_by.pk else None,
        created_at=now,
        expires_at=now + dt.timedelta(days=INVITATION_VALID_DAYS),
        is_reset=InsuredPerson.objects.filter(pk=person.pk, user__isnull=False).exists(),
    )
    return IssuedInvitation(invitation=invitation, code=format_code(code))


def invitation_check(*, code: str, birth_date: dt.date, now: dt.datetime | None = None) -> Invitation:
    """The usable invitation for this code and birth date, else InvitationError (one message for all causes)."""
    now = now or timezone.now()
    invitation = (
        Invitation.objects.select_related("person", "person__user")
        .filter(code_hash=hash_code(code), used_at__isnull=True, revoked_at__isnull=True)
        .first()
    )
    if invitation is None or invitation.person.birth_date != birth_date:
        raise InvitationError(_("招待コードまたは生年月日が正しくありません。"))
    if invitation.expires_at <= now:
        raise InvitationError(_("この招待コードは有効期限が切れています。保険者に新しい招待状を依頼してください。"))
    return invitation


def invitation_help_desk(*, code: str, birth_date: dt.date) -> HelpDesk | None:
    """Whom to ask for a new letter after a refused code: the insurer of the invitation with this code and birth
    date (expired or used), else None. The birth date must match, so a guessed code names no insurer."""
    invitation = Invitation.objects.select_related("person__insurer").filter(code_hash=hash_code(code)).first()
    if invitation is None or invitation.person.birth_date != birth_date:
        return None
    return help_desk_of_insurer(invitation.person.insurer)


@transaction.atomic
def invitation_redeem(
    *, code: str, birth_date: dt.date, username: str, password: str, now: dt.datetime | None = None
) -> User:
    """Register (new account, chosen login ID) or reset the password (existing account keeps its ID)."""
    now = now or timezone.now()
    invitation = invitation_check(code=code, birth_date=birth_date, now=now)
    invitation = Invitation.objects.select_for_update().select_related("person").get(pk=invitation.pk)
    if invitation.used_at is not None:
        raise InvitationError(_("招待コードまたは生年月日が正しくありません。"))
    person = invitation.person
    user_model = get_user_model()
    user = user_model.objects.filter(pk=person.user_id).first() if person.user_id else None
    if user is None:
        username = username.strip()
        if not username:
            raise InvitationError(_("ログインIDを入力してください。"))
        if user_model.objects.filter(username__iexact=username).exists():
            raise InvitationError(_("このログインIDは使われています。別のIDを選んでください。"))
        user = user_model(username=username, is_staff=False, is_superuser=False)
    validate_password(password, user)
    user.set_password(password)
    user.is_active = True
    user.save()
    if person.user_id != user.pk:
        person.user = user
        person.save(update_fields=["user", "updated_at"])
    invitation.used_at = now
    invitation.save(update_fields=["used_at"])
    return user


@transaction.atomic
def self_measurement_add(
    *, person_id: int, measured_on: dt.date, weight_kg: Decimal | None, waist_cm: Decimal | None
) -> SelfMeasurement:
    return SelfMeasurement.objects.create(
        person_id=person_id, measured_on=measured_on, weight_kg=weight_kg, waist_cm=waist_cm
    )


@transaction.atomic
def self_measurement_delete(*, entry: SelfMeasurement) -> None:
    entry.delete()
