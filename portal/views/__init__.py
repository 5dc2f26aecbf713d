"""Thin views of the self-service page (わたしの健診): each builds the actor, calls selectors/services, renders.

One module per page family: account (sign-in, registration, who viewed my record), my_page (the home page),
results (checkups and the document for a doctor), programme (guidance and the own log) and downloads.
"""

from .account import (
    REGISTER_FAILURE_LIMIT,
    REGISTER_FAILURE_WINDOW,
    access_log,
    home,
    login_view,
    logout_view,
    register_view,
)
from .downloads import BAND_WORDS, CSV_HEADER, download, download_csv, download_print
from .my_page import me
from .programme import guidance, self_log_add, self_log_delete
from .results import checkup_year, checkups, document, employer_checkups

__all__ = [
    "BAND_WORDS",
    "CSV_HEADER",
    "REGISTER_FAILURE_LIMIT",
    "REGISTER_FAILURE_WINDOW",
    "access_log",
    "checkup_year",
    "checkups",
    "document",
    "download",
    "download_csv",
    "download_print",
    "employer_checkups",
    "guidance",
    "home",
    "login_view",
    "logout_view",
    "me",
    "register_view",
    "self_log_add",
    "self_log_delete",
]
