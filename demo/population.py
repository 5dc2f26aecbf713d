"""A realistic synthetic insurer for the demo (seed_demo). Deterministic: the same seed builds the same people."""

import datetime as dt
import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from members.codes import ExclusionReason, InsurerType, Relationship, Sex
from members.models import Clinic, Employer, Enrollment, Exclusion, InsuredPerson, Insurer, StaffMembership

DEMO_INSURER_NUMBER = "06999999"
OTHER_INSURER_NUMBER = "06888888"
DEMO_STAFF_USERNAME = "demo"
DEMO_STAFF_PASSWORD = "demo-hoken-2026"  # noqa: S105 - demo data only, printed by seed_demo
OTHER_STAFF_USERNAME = "other"
# Issue #14 (SPEC §1.2, §1.3, §2.5b): members born March 31 / April 1 / April 2 at ages 40, 65 and 75 of FY2025,
# enrolled all along, so the demo shows the age basis at its edges (card numbers 880000…).
AGE_EDGE_FISCAL_YEAR = 2025
AGE_EDGE_CARD_PREFIX = "88"
AGE_EDGES = tuple((age, month, day) for age in (40, 65, 75) for month, day in ((3, 31), (4, 1), (4, 2)))
# Twin dependents on one card, told apart only by the branch (枝番): a record without it matches both (SPEC §1.5)
TWIN_CARD = ("77", "7700001")
TWINS = (("ヤマダハルト", "01"), ("ヤマダユウト", "02"))
TWIN_BIRTH_DATE = dt.date(1990, 6, 3)  # under 40: never a target, so no rate moves

FAMILY_NAMES = [
    "サトウ",
    "スズキ",
    "タカハシ",
    "タナカ",
    "イトウ",
    "ワタナベ",
    "ヤマモト",
    "ナカムラ",
    "コバヤシ",
    "カトウ",
    "ヨシダ",
    "ヤマダ",
    "ササキ",
    "ヤマグチ",
    "マツモト",
    "イノウエ",
    "キムラ",
    "ハヤシ",
    "シミズ",
    "ヤマザキ",
]
MALE_NAMES = ["ヒロシ", "タケシ", "ダイスケ", "ケンタ", "ショウタ", "マコト", "ツヨシ", "ユウキ", "カズヤ", "リョウ"]
FEMALE_NAMES = ["ヨウコ", "ケイコ", "ユミ", "アヤ", "マイ", "ミホ", "ナオミ", "サクラ", "ハルカ", "エミ"]
EMPLOYERS = [
    ("E001", "架空製作所 本社", "総務部 山田", "03-0000-0001", "soumu@example.jp"),
    ("E002", "架空製作所 大阪工場", "人事課 田中", "06-0000-0002", "jinji-osaka@example.jp"),
    ("E003", "架空ロジスティクス", "管理部 佐藤", "045-000-0003", "kanri@example.jp"),
    ("E004", "架空システムズ", "人事部 鈴木", "03-0000-0004", "hr@example.jp"),
    ("E005", "架空フーズ", "総務課 高橋", "052-000-0005", "soumu-foods@example.jp"),
]
CLINICS = [
    ("9999999999", "架空健診クリニック"),
    ("9999999998", "架空総合健診センター"),
    ("9999999997", "架空病院 健診部"),
]


@dataclass(frozen=True)
class DemoPopulation:
    insurer: Insurer
    other_insurer: Insurer
    person_count: int


def _birth_date(rng: random.Random, today: dt.date) -> dt.date:
    # Ages 20–74, weighted towards working ages like an employees' health insurance society
    age = min(74, max(20, int(rng.triangular(20, 74, 45))))
    return today - dt.timedelta(days=age * 365 + rng.randrange(365))


def _kana(rng: random.Random, sex: int) -> str:
    given = MALE_NAMES if sex == Sex.MALE else FEMALE_NAMES
    return rng.choice(FAMILY_NAMES) + rng.choice(given)


@transaction.atomic
def seed_population(*, persons: int = 2400, seed: int = 20260401, today: dt.date) -> DemoPopulation:
    """The demo insurer with `persons` members, employers, clinics, staff users, and a second insurer."""
    rng = random.Random(seed)
    insurer = Insurer.objects.create(
        number=DEMO_INSURER_NUMBER, name="架空健康保険組合", insurer_type=InsurerType.SINGLE_KENPO
    )
    other = Insurer.objects.create(
        number=OTHER_INSURER_NUMBER, name="別の健康保険組合", insurer_type=InsurerType.JOINT_KENPO
    )
    employers = Employer.objects.bulk_create(
        [
            Employer(
                insurer=insurer, code=c, name=n, contact_person=p, phone=t, email=e, address="東京都千代田区架空町"
            )
            for c, n, p, t, e in EMPLOYERS
        ]
    )
    Clinic.objects.bulk_create([Clinic(number=n, name=name) for n, name in CLINICS])
    User = get_user_model()
    demo = User.objects.create_user(DEMO_STAFF_USERNAME, password=DEMO_STAFF_PASSWORD, is_staff=True)
    demo.first_name, demo.last_name = "花子", "保健"
    demo.save()
    StaffMembership.objects.create(user=demo, insurer=insurer, job_title="保健師")
    other_staff = User.objects.create_user(OTHER_STAFF_USERNAME, password=DEMO_STAFF_PASSWORD, is_staff=True)
    StaffMembership.objects.create(user=other_staff, insurer=other, job_title="事務職")

    people: list[InsuredPerson] = []
    for index in range(persons):
        sex = rng.choice([Sex.MALE, Sex.MALE, Sex.FEMALE])
        relationship = Relationship.SELF if rng.random() < 0.72 else Relationship.FAMILY
        people.append(
            InsuredPerson(
                insurer=insurer,
                card_symbol=f"{rng.randrange(1, 40):02d}",
                card_number=f"{100000 + index}",
                card_branch="00" if relationship == Relationship.SELF else f"{rng.randrange(1, 5):02d}",
                name_kana=_kana(rng, sex),
                sex=sex,
                birth_date=_birth_date(rng, today),
                relationship=relationship,
                employer=rng.choice(employers),
            )
        )
    for index in range(40):
        sex = rng.choice([Sex.MALE, Sex.FEMALE])
        people.append(
            InsuredPerson(
                insurer=other,
                card_number=f"{900000 + index}",
                card_branch="00",
                name_kana=_kana(rng, sex),
                sex=sex,
                birth_date=_birth_date(rng, today),
                relationship=Relationship.SELF,
            )
        )
    edge_rng = random.Random(seed + 14)  # their own stream: the rest of the demo stays as it was
    edge_people = [
        InsuredPerson(
            insurer=insurer,
            card_symbol="88",
            card_number=f"{AGE_EDGE_CARD_PREFIX}{index:04d}",
            card_branch="00",
            name_kana=_kana(edge_rng, sex),
            sex=sex,
            birth_date=dt.date(AGE_EDGE_FISCAL_YEAR + 1 - age, month, day),
            relationship=Relationship.SELF,
            employer=employers[index % len(employers)],
        )
        for index, (age, month, day) in enumerate(AGE_EDGES)
        for sex in [Sex.MALE if index % 2 == 0 else Sex.FEMALE]
    ]
    edge_people += [  # no draws from rng: the rest of the demo stays as it was
        InsuredPerson(
            insurer=insurer,
            card_symbol=TWIN_CARD[0],
            card_number=TWIN_CARD[1],
            card_branch=branch,
            name_kana=kana,
            sex=Sex.MALE,
            birth_date=TWIN_BIRTH_DATE,
            relationship=Relationship.FAMILY,
            employer=employers[0],
        )
        for kana, branch in TWINS
    ]
    people = InsuredPerson.objects.bulk_create(people, batch_size=1000)
    edge_people = InsuredPerson.objects.bulk_create(edge_people)

    enrollments, exclusions = [], []
    for person in people:
        adult_since = person.birth_date.replace(year=person.birth_date.year + 18, day=1)
        acquired = max(adult_since, dt.date(2005, 4, 1)) + dt.timedelta(days=rng.randrange(0, 3000))
        roll = rng.random()
        if roll < 0.05:  # joined during a recent fiscal year
            acquired = dt.date(today.year - rng.randrange(0, 3), rng.randrange(1, 13), 1)
        lost = None
        if 0.05 <= roll < 0.10:  # left during a recent fiscal year
            lost = dt.date(today.year - rng.randrange(0, 3), rng.randrange(1, 13), 16)
        acquired = min(acquired, today - dt.timedelta(days=30))
        if lost and lost <= acquired:
            lost = acquired + dt.timedelta(days=90)
        enrollments.append(Enrollment(person=person, acquired_on=acquired, lost_on=lost))
        if rng.random() < 0.012:
            reason = rng.choice(list(ExclusionReason))
            if reason == ExclusionReason.PREGNANCY and person.sex == Sex.MALE:
                reason = ExclusionReason.OVERSEAS
            start = dt.date(today.year - 1, rng.randrange(1, 13), 1)
            exclusions.append(
                Exclusion(person=person, reason=reason, starts_on=start, ends_on=start + dt.timedelta(days=300))
            )
    enrollments += [Enrollment(person=person, acquired_on=dt.date(2005, 4, 1)) for person in edge_people]
    Enrollment.objects.bulk_create(enrollments, batch_size=2000)
    Exclusion.objects.bulk_create(exclusions)
    return DemoPopulation(insurer=insurer, other_insurer=other, person_count=len(people) + len(edge_people))
