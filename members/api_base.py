"""Base pieces for every API view: the queryset always starts from `visible_to(actor)`."""

from typing import Any

from django.db.models import QuerySet
from rest_framework import permissions
from rest_framework.request import Request

from .actors import Actor, ActorKind, actor_from_request


class ActorScopedMixin:
    """Views declare `scoped_model`; `get_queryset` narrows it to what the caller may see (404 otherwise)."""

    scoped_model: Any = None
    request: Any  # a DRF Request (typed HttpRequest on the Django View this mixes into)

    @property
    def actor(self) -> Actor:
        return actor_from_request(self.request)

    def scoped_queryset(self) -> QuerySet:
        return self.scoped_model.objects.visible_to(self.actor)

    def get_queryset(self) -> QuerySet:
        return self.scoped_queryset()


class ActorKindPermission(permissions.BasePermission):
    """Allow only the actor kinds a view lists in `allowed_actor_kinds`."""

    def has_permission(self, request: Request, view: Any) -> bool:
        allowed = getattr(view, "allowed_actor_kinds", ())
        return actor_from_request(request).kind in allowed


STAFF_KINDS = (ActorKind.STAFF, ActorKind.SUPERUSER)
