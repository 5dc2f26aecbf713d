"""Who sees what a clinic or employer sent (held records, uploads)."""

from django.db import models

from members.actors import Actor, ActorKind


class SentRecordQuerySet(models.QuerySet):
    """Things a clinic or employer sent (held records, uploads): the sender sees its own; staff their insurers'."""

    def visible_to(self, actor: Actor) -> "SentRecordQuerySet":
        match actor.kind:
            case ActorKind.SUPERUSER:
                return self
            case ActorKind.STAFF:
                return self.filter(insurer_id__in=actor.insurer_ids)
            case ActorKind.CLINIC:
                return self.filter(submitted_by_clinic_id=actor.clinic_id)
            case ActorKind.EMPLOYER:
                return self.filter(submitted_by_employer_id=actor.employer_id)
        return self.none()
