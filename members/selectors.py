"""Reads of members used by several interfaces (admin pages, work lists)."""

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from .actors import Actor, ActorKind
from .models import StaffMembership


def staff_users(*, actor: Actor) -> QuerySet:
    """Active staff users of the insurers the actor works for (a superuser: of every insurer), by name."""
    memberships = StaffMembership.objects.all()
    if actor.kind != ActorKind.SUPERUSER:
        memberships = memberships.filter(insurer_id__in=actor.insurer_ids)
    users = get_user_model().objects.filter(pk__in=memberships.values("user_id"), is_active=True)
    return users.order_by("last_name", "first_name", "username")
