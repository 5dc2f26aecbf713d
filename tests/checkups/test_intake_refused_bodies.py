"""A refused upload keeps only its metadata (who, when, size, sha256, reason), never the body (issue #13)."""

import datetime as dt
import hashlib
import os

from checkups.models import Checkup, Upload
from tests.checkups.test_api_uploads import _multipart
from tests.checkups.test_uploads_support import archive_of, cda
from tests.conftest import key_client


def _stored(upload_id: int) -> Upload:
    return Upload.objects.get(pk=upload_id)


def test_a_file_of_junk_is_refused_and_its_body_not_kept(world, clinic_x_key, clinic_x) -> None:
    junk = b"PK\x03\x04" + os.urandom(4000)  # looks like a ZIP, is not one
    response = _multipart(key_client(clinic_x_key), junk, "a.zip")

    assert 400 <= response.status_code < 500, response.content
    upload = Upload.objects.get()
    assert upload.status == Upload.Status.FAILED and upload.error
    assert (upload.size, upload.sha256) == (len(junk), hashlib.sha256(junk).hexdigest())
    assert upload.submitted_by_clinic == clinic_x and upload.created_at is not None
    assert bytes(upload.content) == b""  # the body is gone, the metadata stays


def test_an_archive_whose_every_record_is_refused_keeps_no_body(world, clinic_x_key) -> None:
    data = archive_of([cda(world.person_a, exam_date=dt.date(2099, 1, 1))])
    response = _multipart(key_client(clinic_x_key), data, "a.zip")

    assert response.status_code == 422, response.json()
    upload = Upload.objects.get()
    assert (upload.rejected, upload.accepted, upload.held) == (1, 0, 0)
    assert upload.report and upload.sha256 == hashlib.sha256(data).hexdigest()
    assert bytes(upload.content) == b""
    assert not Checkup.objects.exists()


def test_an_archive_with_an_accepted_record_keeps_its_body(world, clinic_x_key) -> None:
    data = archive_of([cda(world.person_a)])
    response = _multipart(key_client(clinic_x_key), data, "a.zip")
    assert response.status_code == 201, response.json()
    assert bytes(Upload.objects.get().content) == data  # kept for the record's trace and re-processing
