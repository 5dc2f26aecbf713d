"""Password login (ModelBackend) whose session user comes with the insured person and their insurer.

Every self-service page needs the person behind the user (`members.actors.actor_for_user`) and the insurer's help
desk (`portal.helpdesk`); reading both with the user turns three queries per page into one. Staff users have no
person: the LEFT JOINs find nothing.
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

BACKEND = "members.auth_backend.UserWithPersonBackend"  # the path sessions store (settings.AUTHENTICATION_BACKENDS)


class UserWithPersonBackend(ModelBackend):
    def get_user(self, user_id: Any) -> Any:
        user = get_user_model()._default_manager.select_related("insured_person__insurer").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
