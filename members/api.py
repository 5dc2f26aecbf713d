"""Read-only person API for insurer staff (staff key or staff session)."""

from rest_framework import viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from .api_base import STAFF_KINDS, ActorKindPermission, ActorScopedMixin
from .audit import access_log_record
from .models import AccessLog, InsuredPerson
from .serializers import PersonSerializer


class PersonViewSet(ActorScopedMixin, viewsets.ReadOnlyModelViewSet):
    scoped_model = InsuredPerson
    serializer_class = PersonSerializer
    permission_classes = [ActorKindPermission]
    allowed_actor_kinds = STAFF_KINDS
    filterset_fields = ["card_number", "relationship", "sex"]

    def get_queryset(self):
        return (
            self.scoped_queryset()
            .select_related("insurer", "employer")
            .prefetch_related("enrollments", "exclusions")
            .order_by("pk")
        )

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        person = self.get_object()
        access_log_record(
            actor=self.actor,
            person_ids=[person.pk],
            action=AccessLog.Action.API_READ,
            target=f"person:{person.pk}",
            request=request,
        )
        return Response(self.get_serializer(person).data)
