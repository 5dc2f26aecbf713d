"""Insurers, employers, insured persons and their enrollment, clinics, staff, API keys, access log.

One module per concept; every model is imported here, so Django sees them all and `members.models.X` keeps working.
"""

from .access_log import AccessLog, AccessLogQuerySet
from .accounts import ApiKey, StaffMembership
from .clinic_contracts import ClinicContract, ClinicContractQuerySet
from .organisations import (
    BRANCH,
    CLINIC_NUMBER,
    INSURER_NUMBER,
    Clinic,
    Employer,
    EmployerQuerySet,
    GuidanceProvider,
    Insurer,
    InsurerQuerySet,
)
from .persons import Enrollment, Exclusion, InsuredPerson, PersonQuerySet
from .roster_imports import PersonChange, RosterImport

__all__ = [
    "BRANCH",
    "CLINIC_NUMBER",
    "INSURER_NUMBER",
    "AccessLog",
    "AccessLogQuerySet",
    "ApiKey",
    "Clinic",
    "ClinicContract",
    "ClinicContractQuerySet",
    "Employer",
    "EmployerQuerySet",
    "Enrollment",
    "Exclusion",
    "GuidanceProvider",
    "InsuredPerson",
    "Insurer",
    "InsurerQuerySet",
    "PersonChange",
    "PersonQuerySet",
    "RosterImport",
    "StaffMembership",
]
