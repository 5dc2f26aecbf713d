"""The status of an employer's submission for a fiscal year (SPEC §7.3). Pure."""

from .models import SubmissionStatus


def submission_status(*, requested: bool, expected: int, received: int, confirmed_complete: bool) -> SubmissionStatus:
    """none → requested → partial → received.

    ◆ Received = records for every expected employee, or staff confirmed the employer sent all it has (employees
    who skipped the statutory checkup leave a gap that never closes).
    """
    if received == 0:
        return SubmissionStatus.REQUESTED if requested else SubmissionStatus.NONE
    if confirmed_complete or received >= expected:
        return SubmissionStatus.RECEIVED
    return SubmissionStatus.PARTIAL
