"""A pg_dump restored into an empty database has every record (docs/backup.md)."""

import shutil
import subprocess
import uuid

import psycopg
import pytest
from django.db import connection
from psycopg import sql

from checkups.codes import Source
from intake.services import checkup_store
from members.actors import Actor, ActorKind
from members.audit import access_log_record
from members.models import AccessLog
from tests.checkups.documents import document

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump/pg_restore need PostgreSQL"),
    pytest.mark.skipif(not shutil.which("pg_dump") or not shutil.which("pg_restore"), reason="needs pg tools"),
]


def _conninfo(dbname: str) -> str:
    s = connection.settings_dict
    password = f" password={s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"host={s['HOST'] or '127.0.0.1'} port={s['PORT'] or 5432} user={s['USER']} dbname={dbname}{password}"


def _fingerprint(conninfo: str) -> dict[str, tuple[int, str]]:
    with psycopg.connect(conninfo) as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            ).fetchall()
        ]
        result = {}
        for table in tables:
            query = sql.SQL("SELECT count(*), coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM {} t")
            row = conn.execute(query.format(sql.Identifier(table))).fetchone()
            assert row is not None
            count, digest = row
            result[table] = (count, digest)
        return result


def test_dump_restores_into_an_empty_database_with_every_record(transactional_db, world, tmp_path) -> None:
    checkup, _ = checkup_store(person=world.person_a, document=document(world.person_a), source=Source.CLINIC_API)
    access_log_record(
        actor=Actor(kind=ActorKind.STAFF, insurer_ids=frozenset({world.insurer_a.pk}), label="alice"),
        person_ids=[world.person_a.pk],
        action=AccessLog.Action.ADMIN_VIEW,
        target=f"checkup:{checkup.pk}",
    )
    source_db = connection.settings_dict["NAME"]
    dump = tmp_path / "backup.dump"
    s = connection.settings_dict
    env_args = ["-h", s["HOST"] or "127.0.0.1", "-p", str(s["PORT"] or 5432), "-U", s["USER"]]
    subprocess.run(["pg_dump", *env_args, "--format=custom", "--no-owner", f"--file={dump}", source_db], check=True)
    restored = f"restore_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(_conninfo("postgres"), autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(restored)))
    try:
        subprocess.run(["pg_restore", *env_args, "--no-owner", f"--dbname={restored}", str(dump)], check=True)
        before, after = _fingerprint(_conninfo(source_db)), _fingerprint(_conninfo(restored))
        assert after == before
        assert after["checkups_checkup"][0] == 1
        assert after["members_accesslog"][0] == 1
        with psycopg.connect(_conninfo(restored)) as conn, pytest.raises(psycopg.errors.RaiseException):
            conn.execute("DELETE FROM members_accesslog")  # the append-only trigger came back too
    finally:
        with psycopg.connect(_conninfo("postgres"), autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(restored)))
