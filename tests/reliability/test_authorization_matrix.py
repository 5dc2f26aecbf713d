"""Who may see and change what: every API endpoint, admin page and self-service page × every role.

One small world holds one object of each kind per owner (insurer A / B, clinic X / Y, employer A / B, guidance
provider P / Q, person P / Q). For each role the test checks: lists contain only the role's own rows, another
owner's detail answers 404, writes by a role that may not write answer 401/403/404 and change nothing.
The URL patterns are enumerated with get_resolver(): a new API route, admin model or admin view with an id, or
self-service page that this matrix does not know fails the coverage tests below.
"""

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from checkups.mhlw.cda import write_cda
from checkups.models import Checkup, ExportRun, HeldRecord, Upload
from employer_data.models import CsvImport, CsvMapping, Submission
from guidance.models import Contact, Programme
from guidance.services import programmes_sync_for_checkups
from members.actors import Actor, ActorKind
from members.admin_base import ScopedAdmin
from members.audit import access_log_record
from members.models import AccessLog, ClinicContract, InsuredPerson
from members.roster import ROSTER_COLUMNS, roster_prepare
from portal.models import Invitation, SelfMeasurement
from rates.models import RateSnapshot, ReductionBase, StatutoryExport
from tests.checkups.documents import document
from tests.factories import (
    CheckupFactory,
    ClinicFactory,
    EmployerFactory,
    GuidanceProviderFactory,
    InsurerFactory,
    PersonFactory,
    UploadFactory,
    api_key,
    staff_user,
)
from tests.portal.conftest import make_member

ROLES = ["staff_a", "staff_b", "clinic_x", "clinic_y", "employer", "provider", "person_p", "person_q", "anonymous"]
DENIED = {401, 403}  # no credentials / wrong kind of caller
NOT_YOURS = 404
EXAM_P = dt.date(2025, 6, 10)  # FY2025
EXAM_Q = dt.date(2024, 7, 22)  # FY2024: person P has no checkup in that year
Q_MARKERS = ("2024-07-22", "2024/07/22", "2024年7月22日", "シツモンキュー")  # never in person P's pages


@dataclass
class World:
    objects: dict[str, Any] = field(default_factory=dict)
    clients: dict[str, Client] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)

    def pk(self, name: str) -> int:
        return self.objects[name].pk


def _checkup(person: InsuredPerson, exam: dt.date, **fields: Any) -> Checkup:
    return CheckupFactory(person=person, exam_date=exam, **fields)


def _upload(name: str, insurer, **submitter: Any) -> Upload:
    label = f"clinic:{submitter['submitted_by_clinic'].pk}" if "submitted_by_clinic" in submitter else "employer"
    return UploadFactory(
        submitter=f"{label}:{name}",
        insurer=insurer,
        kind="cda",
        source="file_import",
        sha256=name * 8,
        content=b"",
        **submitter,
    )


@pytest.fixture
def world(db) -> World:
    w = World()
    o = w.objects
    o["insurer:A"] = InsurerFactory(number="06999999", name="A健保")
    o["insurer:B"] = InsurerFactory(number="06888888", name="B健保")
    o["employer:A"] = EmployerFactory(insurer=o["insurer:A"], code="EA", name="A事業所")
    o["employer:B"] = EmployerFactory(insurer=o["insurer:B"], code="EB", name="B事業所")
    o["clinic:X"] = ClinicFactory(number="9999999999", name="X健診クリニック")
    o["clinic:Y"] = ClinicFactory(number="9999999998", name="Y健診センター")
    for side in "AB":  # 集合契約 (open to every clinic): who may send stays as without contracts
        o[f"contract:{side}"] = ClinicContract.objects.create(
            insurer=o[f"insurer:{side}"], kind="collective", name=f"{side}の集合契約", valid_from=dt.date(2000, 4, 1)
        )
    o["provider:P"] = GuidanceProviderFactory(number="2700000001", name="P保健指導センター")
    o["provider:Q"] = GuidanceProviderFactory(number="2700000002", name="Q保健指導センター")
    o["person:P"] = PersonFactory(
        insurer=o["insurer:A"], employer=o["employer:A"], card_number="111", name_kana="ケンシンハナコ"
    )
    o["person:Q"] = PersonFactory(
        insurer=o["insurer:B"], employer=o["employer:B"], card_number="222", name_kana="シツモンキュー"
    )
    o["checkup:P"] = _checkup(o["person:P"], EXAM_P, submitted_by_clinic=o["clinic:X"], clinic=o["clinic:X"])
    o["checkup:Q"] = _checkup(o["person:Q"], EXAM_Q, submitted_by_clinic=o["clinic:Y"], clinic=o["clinic:Y"])
    employer_record = {"program": "030", "source": "employer", "guidance_level": None, "is_complete": False}
    missing = [{"code": "9N056000000000011", "name": "既往歴"}]
    o["checkup:EP"] = _checkup(
        o["person:P"],
        dt.date(2025, 9, 1),
        submitted_by_employer=o["employer:A"],
        counts_for_fiscal_year=False,
        missing_items=missing,
        **employer_record,
    )
    o["checkup:EQ"] = _checkup(
        o["person:Q"],
        dt.date(2024, 9, 1),
        submitted_by_employer=o["employer:B"],
        counts_for_fiscal_year=False,
        missing_items=missing,
        **employer_record,
    )
    programmes_sync_for_checkups(checkup_ids=[o["checkup:P"].pk, o["checkup:Q"].pk], today=dt.date(2026, 11, 26))
    o["programme:P"] = Programme.objects.get(checkup=o["checkup:P"])
    o["programme:Q"] = Programme.objects.get(checkup=o["checkup:Q"])
    Programme.objects.filter(pk=o["programme:P"].pk).update(provider=o["provider:P"])
    Programme.objects.filter(pk=o["programme:Q"].pk).update(provider=o["provider:Q"])
    o["upload:X"] = _upload("x", o["insurer:A"], submitted_by_clinic=o["clinic:X"])
    o["upload:Y"] = _upload("y", o["insurer:B"], submitted_by_clinic=o["clinic:Y"])
    o["upload:E"] = _upload("e", o["insurer:A"], submitted_by_employer=o["employer:A"])
    for side, clinic in (("A", "clinic:X"), ("B", "clinic:Y")):
        insurer = o[f"insurer:{side}"]
        o[f"held:{side}"] = HeldRecord.objects.create(
            insurer=insurer,
            submitted_by_clinic=o[clinic],
            source="clinic_api",
            document={"insurer_number": insurer.number},
            exam_date=EXAM_P,
            reason_ja="照合できません",
            reason_en="no match",
        )
        o[f"submission:{side}"] = Submission.objects.create(
            insurer=insurer, employer=o[f"employer:{side}"], fiscal_year=2025
        )
        o[f"mapping:{side}"] = CsvMapping.objects.create(insurer=insurer, name=f"mapping {side}")
        o[f"csvimport:{side}"] = CsvImport.objects.create(
            insurer=insurer,
            employer=o[f"employer:{side}"],
            mapping=o[f"mapping:{side}"],
            file_name="e.csv",
            sha256=side * 64,
            content=b"a,b\n",
        )
        row = f"{insurer.number},10,{900 + len(side)},00,メイボタロウ,1,1970-01-01,self,,2000-04-01,"
        csv = ("\n".join([",".join(ROSTER_COLUMNS), row]) + "\n").encode()
        o[f"roster:{side}"], _ = roster_prepare(data=csv, file_name="r.csv", insurer=insurer)
        o[f"reduction:{side}"] = ReductionBase.objects.create(insurer=insurer, base_fiscal_year=2023)
        o[f"export:{side}"] = StatutoryExport.objects.create(insurer=insurer, fiscal_year=2025)
        o[f"exportrun:{side}"] = ExportRun.objects.create(
            insurer=insurer, fiscal_year=2025, created_on=dt.date(2026, 12, 3), sequence=0
        )
        o[f"snapshot:{side}"] = RateSnapshot.objects.create(
            insurer=insurer, fiscal_year=2025, status=RateSnapshot.Status.DONE, computed_at=dt.datetime.now(dt.UTC)
        )
    o["user:P"] = make_member(o["person:P"], "hanako")
    o["user:Q"] = make_member(o["person:Q"], "kyu")
    o["invitation:A"] = Invitation.objects.filter(person=o["person:P"]).first()
    o["invitation:B"] = Invitation.objects.filter(person=o["person:Q"]).first()
    o["selflog:P"] = SelfMeasurement.objects.create(
        person=o["person:P"], measured_on=dt.date(2025, 8, 1), weight_kg=Decimal("79.0")
    )
    o["selflog:Q"] = SelfMeasurement.objects.create(
        person=o["person:Q"], measured_on=dt.date(2024, 8, 1), weight_kg=Decimal("88.0")
    )
    for side, person in (("A", "person:P"), ("B", "person:Q")):
        insurer = o[f"insurer:{side}"]
        actor = Actor(kind=ActorKind.STAFF, insurer_ids=frozenset({insurer.pk}), label="setup")
        access_log_record(actor=actor, person_ids=[o[person].pk], action=AccessLog.Action.ADMIN_VIEW, target="x")
        o[f"accesslog:{side}"] = AccessLog.objects.filter(person=o[person]).first()

    o["user:alice"] = staff_user(o["insurer:A"], "alice")
    o["user:bob"] = staff_user(o["insurer:B"], "bob")
    w.keys = {
        "staff_a": api_key("staff", insurer=o["insurer:A"]),
        "staff_b": api_key("staff", insurer=o["insurer:B"]),
        "clinic_x": api_key("clinic", clinic=o["clinic:X"]),
        "clinic_y": api_key("clinic", clinic=o["clinic:Y"]),
        "employer": api_key("employer", employer=o["employer:A"]),
        "provider": api_key("guidance_provider", guidance_provider=o["provider:P"]),
    }
    sessions = {"staff_a": "user:alice", "staff_b": "user:bob", "person_p": "user:P", "person_q": "user:Q"}
    for role in ROLES:
        client = Client(HTTP_AUTHORIZATION=f"Api-Key {w.keys[role]}") if role in w.keys else Client()
        if role in sessions:
            client.force_login(o[sessions[role]])
        w.clients[role] = client
    return w


# ---------------------------------------------------------------- the API


@dataclass(frozen=True)
class Resource:
    """A readable API resource: its objects in the world and, per role allowed to read it, the ones it owns."""

    name: str
    detail: str  # URL with {pk} (or {number} for the rates)
    objects: tuple[str, ...]
    readers: dict[str, set[str]]
    list_url: str | None = None
    routes: tuple[str, ...] = ()
    list_creates: bool = False  # POST to the list URL is a create route (checked in CREATE_ROUTES)


RESOURCES = [
    Resource(
        "persons",
        "/api/v1/persons/{pk}/",
        ("person:P", "person:Q"),
        {"staff_a": {"person:P"}, "staff_b": {"person:Q"}},
        list_url="/api/v1/persons/",
        routes=("person-list", "person-detail"),
    ),
    Resource(
        "checkups",
        "/api/v1/checkups/{pk}/",
        ("checkup:P", "checkup:Q", "checkup:EP"),
        {
            "staff_a": {"checkup:P", "checkup:EP"},
            "staff_b": {"checkup:Q", "checkup:EQ"},  # EQ: only in the list (insurer B's employer record)
            "clinic_x": {"checkup:P"},
            "clinic_y": {"checkup:Q"},
            "employer": {"checkup:EP"},
        },
        list_url="/api/v1/checkups/",
        routes=("checkup-detail",),
        list_creates=True,
    ),
    Resource(
        "uploads",
        "/api/v1/uploads/{pk}/",
        ("upload:X", "upload:Y", "upload:E"),
        {
            "staff_a": {"upload:X", "upload:E"},
            "staff_b": {"upload:Y"},
            "clinic_x": {"upload:X"},
            "clinic_y": {"upload:Y"},
            "employer": {"upload:E"},
            "provider": set(),  # a guidance provider sees only the guidance files it sent (SPEC §9.6)
        },
        list_url="/api/v1/uploads/",
        routes=("upload-detail",),
        list_creates=True,
    ),
    Resource(
        "programmes",
        "/api/v1/guidance/programmes/{pk}/",
        ("programme:P", "programme:Q"),
        {"staff_a": {"programme:P"}, "staff_b": {"programme:Q"}, "provider": {"programme:P"}},
        list_url="/api/v1/guidance/programmes/",
        routes=("guidance-programme-list", "guidance-programme-detail"),
    ),
    Resource(
        "submissions",
        "/api/v1/employer-data/submissions/{pk}/",
        ("submission:A", "submission:B"),
        {"staff_a": {"submission:A"}, "staff_b": {"submission:B"}, "employer": {"submission:A"}},
        list_url="/api/v1/employer-data/submissions/",
        routes=("employer-submission-list", "employer-submission-detail"),
    ),
    Resource(
        "rates",
        "/api/v1/rates/?insurer={number}&fiscal_year=2025",
        ("insurer:A", "insurer:B"),
        {"staff_a": {"insurer:A"}, "staff_b": {"insurer:B"}},
        routes=("rates",),
    ),
    Resource(
        "held",
        "/api/v1/held/{pk}/",
        ("held:A", "held:B"),
        {
            "staff_a": {"held:A"},
            "staff_b": {"held:B"},
            "clinic_x": {"held:A"},
            "clinic_y": {"held:B"},
            "employer": set(),
        },
        routes=("held-detail",),
    ),
]
# Create-only routes: who may POST (a 400 for an empty body proves the caller got past authorization).
CREATE_ROUTES = {
    "checkup-list": ("/api/v1/checkups/", {"clinic_x", "clinic_y"}),
    "upload-list": ("/api/v1/uploads/", {"clinic_x", "clinic_y", "employer", "provider"}),
}
PROGRAMME_ACTIONS = {"guidance-programme-contacts": "contacts", "guidance-programme-drop-out": "drop-out"}
# Insurer decisions on a programme (SPEC §5.6): staff of its insurer only; its provider sees it but gets 403
STAFF_PROGRAMME_ACTIONS = {
    "guidance-programme-medication-recheck": "medication-recheck",
    "guidance-programme-level-decision": "level-decision",
}
PUBLIC_DOCS = {"schema", "api-docs", "api-redoc", "item-catalogue"}  # the API description, no data rows


def _url(resource: Resource, world: World, name: str) -> str:
    obj = world.objects[name]
    return resource.detail.format(pk=obj.pk, number=getattr(obj, "number", ""))


def _ids(response) -> set[int]:
    body = response.json()
    rows = body["results"] if isinstance(body, dict) else body
    return {row["id"] for row in rows}


def _counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Checkup, Upload, Contact, Programme, HeldRecord, InsuredPerson, Submission, SelfMeasurement)
    }


Expect = Callable[[str, int, set[int]], None]


def _expecter(problems: list[str]) -> Expect:
    def expect(label: str, status: int, allowed: set[int]) -> None:
        if status not in allowed:
            problems.append(f"{label}: {status}, expected {sorted(allowed)}")

    return expect


def _api_resources(world: World, role: str, client: Any, problems: list[str], expect: Expect) -> None:
    for resource in RESOURCES:
        own = resource.readers.get(role)
        if resource.list_url:
            response = client.get(resource.list_url)
            if own is None:
                expect(f"GET {resource.list_url}", response.status_code, DENIED)
            else:
                expect(f"GET {resource.list_url}", response.status_code, {200})
                if response.status_code == 200:
                    foreign = _ids(response) - {world.pk(n) for n in own}
                    if foreign:
                        problems.append(f"GET {resource.list_url} lists foreign ids {sorted(foreign)}")
        for name in resource.objects:
            url = _url(resource, world, name)
            response = client.get(url)
            if own is None:
                expect(f"GET {url} ({name})", response.status_code, DENIED)
            elif name in own:
                expect(f"GET {url} ({name}, own)", response.status_code, {200})
            else:
                expect(f"GET {url} ({name}, foreign)", response.status_code, {NOT_YOURS})
            if resource.name == "rates":
                continue
            before = _counts()
            for method in ("put", "patch", "delete"):
                status = getattr(client, method)(url, {}, content_type="application/json").status_code
                expect(f"{method.upper()} {url}", status, DENIED | {NOT_YOURS, 405})
            if _counts() != before or not type(world.objects[name]).objects.filter(pk=world.pk(name)).exists():
                problems.append(f"writes to {url} changed data")
        if resource.list_url and not resource.list_creates:
            status = client.post(resource.list_url, {}, content_type="application/json").status_code
            expect(f"POST {resource.list_url}", status, DENIED | {405})


def _api_creates(role: str, client: Any, problems: list[str], expect: Expect) -> None:
    for route, (url, writers) in CREATE_ROUTES.items():
        before = _counts()
        status = client.post(url, {}).status_code  # multipart, no file / no fields
        expect(f"POST {url} ({route})", status, {400} if role in writers else DENIED)
        if _counts() != before:
            problems.append(f"POST {url} by {role} stored something")


def _api_programme_actions(world: World, role: str, client: Any, problems: list[str], expect: Expect) -> None:
    readers = next(r for r in RESOURCES if r.name == "programmes").readers
    for action in PROGRAMME_ACTIONS.values():
        for name in ("programme:P", "programme:Q"):
            url = f"/api/v1/guidance/programmes/{world.pk(name)}/{action}/"
            before = _counts()
            status = client.post(url, {}, content_type="application/json").status_code
            if role not in readers:
                expect(f"POST {url}", status, DENIED)
            elif name in readers[role]:
                expect(f"POST {url} (own, empty body)", status, {400})
            else:
                expect(f"POST {url} (foreign)", status, {NOT_YOURS})
            if _counts() != before:
                problems.append(f"POST {url} by {role} stored something")
    for action in STAFF_PROGRAMME_ACTIONS.values():
        for name in ("programme:P", "programme:Q"):
            url = f"/api/v1/guidance/programmes/{world.pk(name)}/{action}/"
            before = _counts()
            status = client.post(url, {}, content_type="application/json").status_code
            if role not in readers:
                expect(f"POST {url}", status, DENIED)
            elif name not in readers[role]:
                expect(f"POST {url} (foreign)", status, {NOT_YOURS})
            else:
                expect(f"POST {url} (own, empty body)", status, {400} if role.startswith("staff") else {403})
            if _counts() != before:
                problems.append(f"POST {url} by {role} stored something")


def _api_docs(client: Any, expect: Expect) -> None:
    for name in PUBLIC_DOCS:
        urls = {"schema": "/api/v1/schema/", "api-docs": "/api/v1/docs/", "item-catalogue": "/api/v1/items/"}
        status = client.get(urls.get(name, "/api/v1/redoc/"))
        expect(f"GET docs {name}", status.status_code, {200} | DENIED)


def check_api(world: World, role: str) -> list[str]:
    client = world.clients[role]
    problems: list[str] = []
    expect = _expecter(problems)
    _api_resources(world, role, client, problems, expect)
    _api_creates(role, client, problems, expect)
    _api_programme_actions(world, role, client, problems, expect)
    _api_docs(client, expect)
    return problems


# ---------------------------------------------------------------- the self-service pages

PERSON_PAGES = {  # url name → path, for the person's own pages (GET)
    "me": "/me/",
    "checkups": "/me/checkups/",
    "guidance": "/me/guidance/",
    "employer": "/me/employer-checkups/",
    "access_log": "/me/access-log/",
    "download": "/me/download/",
    "download_print": "/me/download/print/",
    "download_csv": "/me/download/csv/",
}
PUBLIC_PAGES = {"home": "/", "login": "/login/", "register": "/register/", "logout": "/logout/"}
PERSON_OBJECT_PAGES = ("checkup_year", "document", "self_log_add", "self_log_delete")
PERSON_OF_ROLE = {"person_p": ("P", "Q"), "person_q": ("Q", "P")}


def _not_a_person_answer(response) -> bool:
    """Anyone who is not an insured person is sent to the login page or finds nothing."""
    if response.status_code in (403, 404):
        return True
    return response.status_code == 302 and "/login/" in response["Location"]


def _portal_person_pages(
    world: World, role: str, client: Any, problems: list[str], mine: str | None, theirs: str | None
) -> None:
    for path in PERSON_PAGES.values():
        response = client.get(path)
        if mine is None:
            if not _not_a_person_answer(response):
                problems.append(f"GET {path} by {role}: {response.status_code}")
            continue
        if response.status_code != 200:
            problems.append(f"GET {path} by {role}: {response.status_code}")
            continue
        text = b"".join(getattr(response, "streaming_content", None) or [response.content]).decode()
        markers = Q_MARKERS if mine == "P" else ("2025-06-10", "2025/06/10", "2025年6月10日", "ケンシンハナコ")
        leaked = [m for m in (*markers, str(world.objects[f"selflog:{theirs}"].public_id)) if m in text]
        if leaked:
            problems.append(f"GET {path} by {role} shows the other person's data: {leaked}")


def _portal_year_pages(
    world: World, role: str, client: Any, problems: list[str], mine: str | None, theirs: str | None
) -> None:
    own_year = {"P": 2025, "Q": 2024}
    for person, year in own_year.items():
        for page in (f"/me/checkups/{year}/", f"/me/checkups/{year}/document/"):
            response = client.get(page)
            if mine == person:
                if response.status_code != 200:
                    problems.append(f"own page {page} by {role}: {response.status_code}")
            elif mine is not None and response.status_code != NOT_YOURS:
                problems.append(f"the other person's {page} by {role}: {response.status_code}")
            elif mine is None and not _not_a_person_answer(response):
                problems.append(f"{page} by {role}: {response.status_code}")


def _portal_log_deletes(
    world: World, role: str, client: Any, problems: list[str], mine: str | None, theirs: str | None
) -> None:
    for person in ("P", "Q"):
        entry = world.objects[f"selflog:{person}"]
        if mine == person:
            continue  # deleting one's own entry is the portal tests' business
        for method in ("get", "post"):  # GET asks first, POST deletes
            response = getattr(client, method)(f"/me/guidance/log/{entry.public_id}/delete/")
            expected_ok = response.status_code == NOT_YOURS if mine is not None else _not_a_person_answer(response)
            if not expected_ok:
                problems.append(f"{method.upper()} delete {person}'s log entry by {role}: {response.status_code}")
        if not SelfMeasurement.objects.filter(pk=entry.pk).exists():
            problems.append(f"{role} deleted {person}'s log entry")


def _portal_log_add(
    world: World, role: str, client: Any, problems: list[str], mine: str | None, theirs: str | None
) -> None:
    before = SelfMeasurement.objects.exclude(person__in=[world.objects["person:P"], world.objects["person:Q"]]).count()
    add = client.post("/me/guidance/log/", {"measured_on": "2025-10-01", "weight_kg": "78.5"})
    if mine is None and not _not_a_person_answer(add):
        problems.append(f"add a log entry by {role}: {add.status_code}")
    if mine is None and SelfMeasurement.objects.count() != 2 + before:
        problems.append(f"{role} (not a person) added a log entry")
    for other in ("P", "Q"):
        if other != mine and SelfMeasurement.objects.filter(person=world.objects[f"person:{other}"]).count() != 1:
            problems.append(f"{role} changed {other}'s log")


def _portal_public_pages(
    world: World, role: str, client: Any, problems: list[str], mine: str | None, theirs: str | None
) -> None:
    for path in PUBLIC_PAGES.values():
        status = client.get(path).status_code
        if status >= 500:
            problems.append(f"GET {path} by {role}: {status}")


def check_portal(world: World, role: str) -> list[str]:
    client = world.clients[role]
    problems: list[str] = []
    mine, theirs = PERSON_OF_ROLE.get(role, (None, None))
    for check in (_portal_person_pages, _portal_year_pages, _portal_log_deletes, _portal_log_add, _portal_public_pages):
        check(world, role, client, problems, mine, theirs)
    return problems


# ---------------------------------------------------------------- the staff admin

# Scoped admin models → the world's object owned by insurer A and by insurer B.
ADMIN_OBJECTS = {
    "members.insurer": ("insurer:A", "insurer:B"),
    "members.employer": ("employer:A", "employer:B"),
    "members.insuredperson": ("person:P", "person:Q"),
    "members.accesslog": ("accesslog:A", "accesslog:B"),
    "members.rosterimport": ("roster:A", "roster:B"),
    "members.cliniccontract": ("contract:A", "contract:B"),
    "checkups.checkup": ("checkup:P", "checkup:Q"),
    "checkups.upload": ("upload:X", "upload:Y"),
    "checkups.heldrecord": ("held:A", "held:B"),
    "checkups.exportrun": ("exportrun:A", "exportrun:B"),  # its list page is the export page
    "guidance.programme": ("programme:P", "programme:Q"),
    "employer_data.submission": ("submission:A", "submission:B"),
    "employer_data.csvmapping": ("mapping:A", "mapping:B"),
    "employer_data.csvimport": ("csvimport:A", "csvimport:B"),
    "employer_data.incompleteemployercheckup": ("checkup:EP", "checkup:EQ"),
    "portal.invitation": ("invitation:A", "invitation:B"),
    "portal.selfmeasurement": ("selflog:P", "selflog:Q"),
    "rates.reductionbase": ("reduction:A", "reduction:B"),
    "rates.ratesnapshot": ("snapshot:A", "snapshot:B"),
}
ADMIN_WITHOUT_OBJECT_PAGES = {
    "rates.ratedashboard": "its list page is the dashboard; snapshots are covered",
    "rates.statutoryreportpage": "its list page is the 法定報告 page (tests/rates: insurer scoping, 404 for another)",
    "rates.outcomereportpage": "its list page is the 見える化 page (tests/rates: insurer scoping, 404 for another)",
}
# Admin views that take an id in the path → the world's objects of insurer A and B they are called with.
ADMIN_ID_VIEWS = {
    "checkups_checkup_correct": ("checkups/checkup/{pk}/correct/", "checkup:P", "checkup:Q"),
    "checkups_heldrecord_link": ("checkups/heldrecord/{pk}/link/", "held:A", "held:B"),
    "guidance_programme_contact": ("guidance/programme/{pk}/contact/", "programme:P", "programme:Q"),
    "guidance_programme_close": ("guidance/programme/{pk}/close/", "programme:P", "programme:Q"),
    "guidance_programme_level": ("guidance/programme/{pk}/level/", "programme:P", "programme:Q"),
    "members_rosterimport_confirm": ("members/rosterimport/{pk}/confirm/", "roster:A", "roster:B"),
    "employer_data_csvimport_confirm": ("employer_data/csvimport/{pk}/confirm/", "csvimport:A", "csvimport:B"),
    "employer_data_letter": ("employer_data/submission/letter/{pk}/2025/", "employer:A", "employer:B"),
    "portal_invitation_issue_for": ("portal/invitation/issue/{pk}/", "person:P", "person:Q"),
    "members_insuredperson_edit": ("members/insuredperson/{pk}/edit/", "person:P", "person:Q"),  # the edit form
    "portal_invitation_letter": ("portal/invitation/{pk}/letter/", "invitation:A", "invitation:B"),
    "checkups_exportrun_progress": ("checkups/exportrun/{pk}/progress/", "exportrun:A", "exportrun:B"),
    "checkups_exportrun_download": ("checkups/exportrun/{pk}/download/", "exportrun:A", "exportrun:B"),
    "rates_dashboard_progress": ("rates/ratedashboard/progress/{pk}/", "snapshot:A", "snapshot:B"),
    "rates_statutory_export_progress": ("rates/statutoryreportpage/export/{pk}/progress/", "export:A", "export:B"),
    "rates_statutory_export_download": ("rates/statutoryreportpage/export/{pk}/download/", "export:A", "export:B"),
    "doctor_document": ("portal/document/{pk}/", "person:P", "person:Q"),  # 医療機関持参用文書 (staff)
    "doctor_document_year": ("portal/document/{pk}/2025/", "person:P", "person:Q"),
}
# Admin forms without an id that act for one insurer → their path. Staff open them; a POST naming the other
# insurer, with the other insurer's person's record, stores nothing of the other insurer.
ADMIN_INSURER_FORMS = {
    "checkups_upload_upload": "checkups/upload/upload/",  # 健診結果ファイルの取込 (issue #16)
}
ADMIN_ID_VIEWS_ELSEWHERE = {
    "view_on_site": "Django's redirect to get_absolute_url; no model here defines one",
    "otp_totp_totpdevice_config": "per-model permissions: test_unscoped_admins_need_model_permissions",
    "otp_totp_totpdevice_qrcode": "per-model permissions: test_unscoped_admins_need_model_permissions",
}
NATIONAL_DATA = {"rates.ratetarget", "rates.standardpopulation"}  # the same for every insurer: staff may read
STAFF_SIDE = {"staff_a": 0, "staff_b": 1}


def _admin_models() -> dict[str, ScopedAdmin]:
    return {
        model._meta.label_lower: model_admin
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, ScopedAdmin)
    }


def _change_url(label: str, pk: int) -> str:
    app, model = label.split(".")
    return f"/admin/{app}/{model}/{pk}/change/"


def _admin_model_pages(world: World, role: str, client: Any, problems: list[str], side: int | None) -> None:
    for label in _admin_models():
        app, model = label.split(".")
        changelist = client.get(f"/admin/{app}/{model}/")
        if side is None:
            if changelist.status_code != 302 or "/admin/login/" not in changelist["Location"]:
                problems.append(f"/admin/{app}/{model}/ by {role}: {changelist.status_code}")
            continue
        if label in ADMIN_WITHOUT_OBJECT_PAGES:
            continue
        own, foreign = (world.objects[n] for n in (ADMIN_OBJECTS[label][side], ADMIN_OBJECTS[label][1 - side]))
        if changelist.status_code != 200:
            problems.append(f"/admin/{app}/{model}/ by {role}: {changelist.status_code}")
        else:
            links = set(re.findall(rf"/admin/{app}/{model}/(\d+)/change/", changelist.content.decode()))
            if str(foreign.pk) in links:
                problems.append(f"/admin/{app}/{model}/ by {role} lists the other insurer's {foreign.pk}")
        own_page = client.get(_change_url(label, own.pk))
        if own_page.status_code != 200:
            problems.append(f"{_change_url(label, own.pk)} (own) by {role}: {own_page.status_code}")
        foreign_page = client.get(_change_url(label, foreign.pk))
        if foreign_page.status_code != NOT_YOURS:
            problems.append(f"{_change_url(label, foreign.pk)} (other insurer) by {role}: {foreign_page.status_code}")


def _admin_id_views(world: World, role: str, client: Any, problems: list[str], side: int | None) -> None:
    for name, (path, *owners) in ADMIN_ID_VIEWS.items():
        for position, owner in enumerate(owners):
            url = "/admin/" + path.format(pk=world.pk(owner))
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                if side is None:
                    if response.status_code != 302 or "/admin/login/" not in response["Location"]:
                        problems.append(f"{method.upper()} {url} ({name}) by {role}: {response.status_code}")
                elif position != side and response.status_code != NOT_YOURS:
                    problems.append(f"{method.upper()} {url} ({name}, other insurer) by {role}: {response.status_code}")
                elif position == side and response.status_code >= 500:
                    problems.append(f"{method.upper()} {url} ({name}, own) by {role}: {response.status_code}")


def _other_insurers_rows(world: World, side: int) -> int:
    other = world.objects[("insurer:A", "insurer:B")[1 - side]]
    return sum(model.objects.filter(insurer=other).count() for model in (Checkup, HeldRecord, Upload))


def _admin_insurer_forms(world: World, role: str, client: Any, problems: list[str], side: int | None) -> None:
    for name, path in ADMIN_INSURER_FORMS.items():
        url = "/admin/" + path
        page = client.get(url)
        if side is None:
            if page.status_code != 302 or "/admin/login/" not in page["Location"]:
                problems.append(f"GET {url} ({name}) by {role}: {page.status_code}")
            continue
        if page.status_code != 200:
            problems.append(f"GET {url} ({name}) by {role}: {page.status_code}")
        other_side = "BA"[side]
        before = _other_insurers_rows(world, side)
        record = write_cda(document(world.objects[("person:P", "person:Q")[1 - side]]))
        posted = {
            "insurer": world.pk(f"insurer:{other_side}"),
            "clinic": world.pk("clinic:X"),
            "file": SimpleUploadedFile("h.xml", record),
        }
        response = client.post(url, posted)
        if response.status_code >= 500:
            problems.append(f"POST {url} ({name}) by {role}: {response.status_code}")
        if _other_insurers_rows(world, side) != before:
            problems.append(f"POST {url} ({name}) by {role} stored something of insurer {other_side}")


def check_admin(world: World, role: str) -> list[str]:
    client = world.clients[role]
    problems: list[str] = []
    side = STAFF_SIDE.get(role)
    index = client.get("/admin/")
    if side is None and not (index.status_code == 302 and "/admin/login/" in index["Location"]):
        problems.append(f"/admin/ by {role}: {index.status_code}")
    _admin_model_pages(world, role, client, problems, side)
    _admin_id_views(world, role, client, problems, side)
    _admin_insurer_forms(world, role, client, problems, side)
    return problems


# ---------------------------------------------------------------- the matrix

SURFACES = {"api": check_api, "portal": check_portal, "admin": check_admin}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("surface", list(SURFACES))
def test_authorization_matrix(world: World, surface: str, role: str) -> None:
    problems = SURFACES[surface](world, role)
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------- every route is in the matrix


def _patterns(patterns: list, prefix: str = "") -> list[tuple[str, str | None]]:
    found: list[tuple[str, str | None]] = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            found += _patterns(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            found.append((prefix + str(pattern.pattern), pattern.name))
    return found


def test_every_api_route_is_in_the_matrix() -> None:
    covered = {r for resource in RESOURCES for r in resource.routes} | set(CREATE_ROUTES) | set(PROGRAMME_ACTIONS)
    covered |= set(STAFF_PROGRAMME_ACTIONS)
    api_routes = {name for route, name in _patterns(get_resolver().url_patterns) if route.startswith("api/")}
    missing = api_routes - covered - PUBLIC_DOCS
    assert not missing, f"API routes not in the authorization matrix: {sorted(map(str, missing))}"


def test_every_self_service_page_is_in_the_matrix() -> None:
    from portal import urls

    names = {pattern.name for pattern in urls.urlpatterns}
    missing = names - set(PERSON_PAGES) - set(PUBLIC_PAGES) - set(PERSON_OBJECT_PAGES)
    assert not missing, f"self-service pages not in the authorization matrix: {sorted(map(str, missing))}"


def test_every_scoped_admin_model_and_id_view_is_in_the_matrix() -> None:
    models = set(_admin_models())
    missing = models - set(ADMIN_OBJECTS) - set(ADMIN_WITHOUT_OBJECT_PAGES)
    assert not missing, f"admin models not in the authorization matrix: {sorted(map(str, missing))}"
    id_views = {
        name
        for route, name in _patterns(get_resolver().url_patterns)
        if route.startswith("admin/")
        and re.search(r"<(int|path):(pk|person_id|employer_id|object_id)>", route)
        and name
        and not name.endswith(("_change", "_delete", "_history"))
    }
    unknown = id_views - set(ADMIN_ID_VIEWS) - set(ADMIN_ID_VIEWS_ELSEWHERE)
    assert not unknown, f"admin views with an id not in the authorization matrix: {sorted(unknown)}"


def test_unscoped_admins_need_model_permissions(world: World) -> None:
    """Admins outside ScopedAdmin (users, API keys, clinics, providers, schedules, devices…) use Django's
    per-model permissions, which insurer staff do not have; national reference data is read-only for them."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=world.objects["user:bob"], name="phone", confirmed=True)
    client = world.clients["staff_a"]
    problems = []
    for model, model_admin in admin.site._registry.items():
        if isinstance(model_admin, ScopedAdmin):
            continue
        label, base = model._meta.label_lower, f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        expected = 200 if label in NATIONAL_DATA else 403
        for url, status in ((base, expected), (f"{base}add/", 403)):
            if client.get(url).status_code != status:
                problems.append(f"{url}: {client.get(url).status_code}, expected {status}")
    for view in ("config", "qrcode"):
        url = f"/admin/otp_totp/totpdevice/{device.pk}/{view}/"
        if client.get(url).status_code != 403:
            problems.append(f"{url} (another user's second factor): {client.get(url).status_code}")
    assert not problems, "\n".join(problems)
