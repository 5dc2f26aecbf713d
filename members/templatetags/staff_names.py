"""{{ user|staff_name }}: a staff member as staff read them (保健 花子), never a login name when a name is set."""

from typing import Any

from django import template

from members.access_words import staff_display_name

register = template.Library()


@register.filter
def staff_name(user: Any) -> str:
    return staff_display_name(user)
