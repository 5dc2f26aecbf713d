"""Staff work list of guidance programmes (保健指導 作業一覧) and the programme page (SPEC §5.6, §5.7).

Importing the package registers `ProgrammeAdmin` (admin autodiscovery imports `guidance.admin`). One module per
part: `programme` (the list, its columns and actions), `programme_page` (the page), `programme_forms` (the views its
forms post to), `page_context` (what the page shows), `forms`, `contact_form`, `list_filters`, `form_errors`, `staff`.
"""

from .contact_form import ContactAddForm, contact_data
from .forms import AssignForm, CloseForm, GoalsForm, goal_text
from .list_filters import NEXT_ACTIONS, AssignedStaffFilter, CurrentFiscalYearFilter, NextActionFilter
from .programme import ProgrammeAdmin
from .staff import staff_name, staff_users_for

__all__ = [
    "NEXT_ACTIONS",
    "AssignForm",
    "AssignedStaffFilter",
    "CloseForm",
    "ContactAddForm",
    "CurrentFiscalYearFilter",
    "GoalsForm",
    "NextActionFilter",
    "ProgrammeAdmin",
    "contact_data",
    "goal_text",
    "staff_name",
    "staff_users_for",
]
