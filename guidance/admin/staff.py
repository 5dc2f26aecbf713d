"""The staff users a staff member may pick (their insurers' staff) and how a staff user is named on the pages."""

from django.db.models import QuerySet
from django.http import HttpRequest

from members.access_words import staff_display_name
from members.admin_base import ScopedAdmin
from members.selectors import staff_users


def staff_users_for(request: HttpRequest, admin_obj: ScopedAdmin) -> QuerySet:
    """Staff users of the insurers the requesting staff member belongs to."""
    return staff_users(actor=admin_obj.actor(request))


staff_name = staff_display_name
