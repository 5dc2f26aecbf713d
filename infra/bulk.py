"""Bulk database and CPU plumbing: COPY, raw SQL, session settings, forked workers, GC pauses.

Every `connection.vendor` branch, raw cursor and COPY of the domain apps lives here, so the domain modules read
as rules: they say *what* is stored or read ("insert these new rows", "update these columns by id", "rows of
this query") and this module decides *how* (PostgreSQL: COPY and server-side parameters through psycopg 3;
elsewhere, SQLite in development and tests: the ORM's bulk operations). Nothing here knows a domain rule.
"""

import functools
import gc
import itertools
import json
import multiprocessing
import queue
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any

from django.db import connection, connections, transaction
from django.db.models import JSONField, Model, QuerySet
from django.utils import timezone

_JSON = json.JSONEncoder(ensure_ascii=False)  # built once: json.dumps(..., ensure_ascii=False) builds one per call


def on_postgresql() -> bool:
    return connection.vendor == "postgresql"


# ---------------------------------------------------------------- reading


def where_in(queryset: QuerySet, column: str, values: Iterable[Any]) -> QuerySet:
    """`column IN values` for hundreds of values. On PostgreSQL one array parameter (`= ANY(%s)`): Django
    compiles, and psycopg's client-side binding splits and quotes, one placeholder per value otherwise."""
    values = list(values)
    if not on_postgresql():
        return queryset.filter(**{f"{column}__in": values})
    quote = connection.ops.quote_name
    where = f"{quote(queryset.model._meta.db_table)}.{quote(column)} = ANY(%s)"
    return queryset.extra(where=[where], params=[values])  # noqa: S610 - constant identifiers, values bound


def set_local(settings: Mapping[str, Any]) -> None:
    """`SET LOCAL name = value` for the current transaction (PostgreSQL; nothing to tune elsewhere)."""
    if on_postgresql():
        with connection.cursor() as cursor:
            for name, value in settings.items():
                cursor.execute(f"SET LOCAL {name} = %s", [value])


@contextmanager
def local_settings(settings: Mapping[str, Any]) -> Iterator[None]:
    """A transaction with `settings` applied to the enclosed queries only (SET LOCAL ends with it)."""
    with transaction.atomic():
        set_local(settings)
        yield


# JIT compiling costs more than a short batch query takes; parallel workers only compete with the other
# batch processes for the same cores
SHORT_QUERY_SETTINGS = {"jit": "off", "max_parallel_workers_per_gather": 0}


def fetch_rows(sql: str, params: Sequence[Any], *, settings: Mapping[str, Any] = SHORT_QUERY_SETTINGS) -> list[tuple]:
    """All rows of one PostgreSQL query, as the driver gives them (no model, no dict per row)."""
    connection.ensure_connection()
    with transaction.atomic(), connection.connection.cursor() as cursor:
        for name, value in settings.items():
            cursor.execute(f"SET LOCAL {name} = {int(value) if isinstance(value, int) else value}")
        cursor.execute(sql, list(params))
        return cursor.fetchall()


# ---------------------------------------------------------------- commits


def _outermost_transaction() -> bool:
    """True in a transaction of our own; False in a savepoint of a caller's transaction (leave that alone)."""
    return connection.in_atomic_block and not connection.savepoint_ids


def commit_asynchronously(*, compress_lz4: bool = False) -> None:
    """This transaction's commit does not wait for its WAL flush (PostgreSQL `synchronous_commit = off`, this
    transaction only; never a caller's). For recomputable or resumable work: a crash loses only the last
    commits, which a re-run redoes. `compress_lz4`: large jsonb values are compressed with lz4 (about a third of
    the default pglz's server time for a slightly larger value; reading either is transparent)."""
    if not on_postgresql() or not _outermost_transaction():
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")
        if compress_lz4 and _lz4_available(cursor):
            cursor.execute("SET LOCAL default_toast_compression = lz4")


def commit_synchronously() -> None:
    """The commit flushes the WAL of every asynchronous commit before it."""
    if on_postgresql():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = on")


_LZ4: list[bool] = []  # whether the server was built with lz4 (asked once per process)


def _lz4_available(cursor: Any) -> bool:
    if not _LZ4:
        cursor.execute("SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'")
        row = cursor.fetchone()
        _LZ4.append(bool(row and row[0]))
    return _LZ4[0]


# ---------------------------------------------------------------- writing


class RawJson(str):
    """A JSON field's value already serialised (e.g. in a worker process): COPY'd as it is, decoded elsewhere."""


def _decoded(objects: Iterable[Model], json_names: Sequence[str]) -> None:
    for obj in objects:
        for name in json_names:
            value = obj.__dict__[name]
            if isinstance(value, RawJson):
                obj.__dict__[name] = json.loads(value)


def _json_attnames(model: type[Model]) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields if isinstance(f, JSONField)]


def insert_new(model: type[Model], objects: Sequence[Model]) -> None:
    """Insert new model instances and set their primary keys. PostgreSQL: ids drawn from the sequence, then one
    COPY (values go through psycopg's C dumpers; Django's client-side binding quotes each value in Python);
    elsewhere `bulk_create`. A JSON field may hold `RawJson` text."""
    if not objects:
        return
    json_names = _json_attnames(model)
    if not on_postgresql():
        _decoded(objects, json_names)
        model._default_manager.bulk_create(objects, batch_size=1000)
        return
    from psycopg.types.json import Jsonb

    table, fields = model._meta.db_table, model._meta.concrete_fields
    stamped = [f.attname for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, len(objects)]
        )
        for obj, (pk,) in zip(objects, cursor.fetchall(), strict=True):
            obj.pk = pk
            for name in stamped:
                obj.__dict__[name] = now
    names = [f.attname for f in fields]
    json_positions = {i for i, f in enumerate(fields) if isinstance(f, JSONField)}
    columns = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)

    def cell(value: Any) -> Any:
        return str(value) if isinstance(value, RawJson) else Jsonb(value)

    with connection.connection.cursor() as raw, raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for obj in objects:
            values = obj.__dict__
            copy.write_row([cell(values[n]) if i in json_positions else values[n] for i, n in enumerate(names)])


def update_objects(
    model: type[Model], objects: Sequence[Model], fields: Sequence[str], *, batch_size: int = 500
) -> None:
    """`bulk_update` of existing instances; a JSON field may hold `RawJson` text."""
    if objects:
        _decoded(objects, [n for n in _json_attnames(model) if n in fields])
        model._default_manager.bulk_update(objects, list(fields), batch_size=batch_size)


def insert_rows(model: type[Model], rows: list[dict[str, Any]], *, fresh: bool = False) -> None:
    """Insert rows given as attribute values, skipping any that conflict with a row inserted meanwhile.

    PostgreSQL: COPY into a temporary table and one `INSERT … ON CONFLICT DO NOTHING` (instead of a model instance
    per row and every value quoted into the SQL text). `fresh`: the rows refer only to rows created in this
    transaction, so no conflict is possible and they are COPY'd straight into the table."""
    if not rows:
        return
    if not on_postgresql():
        model._default_manager.bulk_create([model(**row) for row in rows], ignore_conflicts=True)
        return
    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    defaults = {
        f.attname: now if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False) else f.get_default()
        for f in fields
    }
    encoders = {f.attname: f.encoder for f in fields if isinstance(f, JSONField)}
    names = [f.attname for f in fields]
    columns = ", ".join(str(f.column) for f in fields)
    table, temp = model._meta.db_table, f"{model._meta.db_table}_new_batch"

    def copy_rows(cursor: Any, target: str) -> None:
        with cursor.copy(f"COPY {target} ({columns}) FROM STDIN") as copy:
            for row in rows:
                values = []
                for name in names:
                    value = row.get(name, defaults[name])
                    if name in encoders:
                        value = json.dumps(value, cls=encoders[name])
                    values.append(value)
                copy.write_row(values)

    connection.ensure_connection()
    if fresh:
        with connection.connection.cursor() as cursor:
            copy_rows(cursor, table)
        return
    with transaction.atomic(), connection.connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE {temp} ON COMMIT DROP AS SELECT {columns} FROM {table} WITH NO DATA"  # noqa: S608
        )
        copy_rows(cursor, temp)
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {temp} ON CONFLICT DO NOTHING"  # noqa: S608
        )
        cursor.execute(f"DROP TABLE {temp}")


def update_by_id(
    model: type[Model], fields: Sequence[str], rows: list[tuple[Any, ...]], *, also: Mapping[str, Any]
) -> None:
    """Set `fields` (and the constant values `also`) of the rows given as (id, *values in `fields` order).

    PostgreSQL: COPY the rows into a temporary table, then one `UPDATE … FROM` it (no value quoted into the SQL
    text); elsewhere `bulk_update`. A JSON field's value is a Python value."""
    if not rows:
        return
    if not on_postgresql():
        objects = [model(pk=pk, **also, **dict(zip(fields, values, strict=True))) for pk, *values in rows]
        model._default_manager.bulk_update(objects, [*fields, *also], batch_size=1000)
        return
    meta = model._meta
    table, temp = meta.db_table, f"{meta.db_table}_changed_batch"
    types = {name: meta.get_field(name).db_type(connection) for name in fields}
    json_at = [i + 1 for i, name in enumerate(fields) if isinstance(meta.get_field(name), JSONField)]
    declared = ", ".join(f"{n} {t}" for n, t in types.items())
    assignments = ", ".join([*(f"{n} = v.{n}" for n in fields), *(f"{n} = %s" for n in also)])
    encode = _JSON.encode
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:  # psycopg 3: COPY inside Django's transaction
        cursor.execute(f"CREATE TEMP TABLE {temp} (id bigint, {declared}) ON COMMIT DROP")
        with cursor.copy(f"COPY {temp} (id, {', '.join(fields)}) FROM STDIN") as copy:
            write_row = copy.write_row
            if len(json_at) == 1:  # the common case (a judgment record), without a per-cell test
                at = json_at[0]
                for row in rows:
                    write_row((*row[:at], encode(row[at]), *row[at + 1 :]))
            else:
                for row in rows:
                    write_row([encode(v) if i in json_at else v for i, v in enumerate(row)])
        cursor.execute(
            f"UPDATE {table} AS c SET {assignments} FROM {temp} AS v WHERE c.id = v.id",  # noqa: S608 - constants
            list(also.values()),
        )
        cursor.execute(f"DROP TABLE {temp}")


def save_with_binary(instance: Model, field: str) -> None:
    """Save an instance whose `field` holds a large file: on PostgreSQL the bytes go in as one binary parameter
    (server-side binding), not quoted into the SQL text in Python."""
    content = getattr(instance, field)
    if not on_postgresql() or not content:
        instance.save()
        return
    setattr(instance, field, b"")
    instance.save()
    with connection.connection.cursor() as raw:  # same connection, same transaction
        sql = f"UPDATE {instance._meta.db_table} SET {field} = %b WHERE id = %s"  # noqa: S608 - identifiers constant
        raw.execute(sql, [content, instance.pk])
    setattr(instance, field, content)


def append_to_json_list(model: type[Model], pk: int, field: str, entries: list[Any]) -> None:
    """Append to a JSON list column; on PostgreSQL on the server (the list is not read and re-sent)."""
    if on_postgresql():
        from psycopg.types.json import Jsonb

        with connection.connection.cursor() as raw:
            sql = f"UPDATE {model._meta.db_table} SET {field} = {field} || %s WHERE id = %s"  # noqa: S608 - constant
            raw.execute(sql, [Jsonb(entries), pk])
        return
    current = model._default_manager.filter(pk=pk).values_list(field, flat=True).get()
    model._default_manager.filter(pk=pk).update(**{field: [*current, *entries]})


# ---------------------------------------------------------------- CPU: garbage collector, threads, processes


@contextmanager
def gc_paused() -> Iterator[None]:
    """No automatic garbage collection in the block: a batch holding ~100,000 acyclic objects would only be
    rescanned by every collection (a tenth or more of the batch's CPU)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def batches(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def may_fork() -> bool:
    """Child processes are allowed here (not e.g. in a Celery prefork child, which is daemonic)."""
    return not multiprocessing.current_process().daemon


def may_fork_database_work() -> bool:
    """Work can be split over forked processes with connections of their own: PostgreSQL, outside a
    transaction (the children cannot see it), not inside a daemonic process."""
    return on_postgresql() and not connection.in_atomic_block and may_fork()


def _in_child(function: Callable[..., Any], kwargs: dict[str, Any]) -> Any:
    """Runs in a forked child: a fresh connection (the parent's were closed before the fork)."""
    try:
        return function(**kwargs)
    finally:
        connections.close_all()


def forked_map(function: Callable[..., Any], calls: list[dict[str, Any]]) -> list[Any]:
    """`function(**kwargs)` for each of `calls`, one forked process each, each with its own connection."""
    connections.close_all()  # children must not share the parent's socket
    with ProcessPoolExecutor(max_workers=len(calls), mp_context=multiprocessing.get_context("fork")) as pool:
        return list(pool.map(functools.partial(_in_child, function), calls))


def forked_imap(function: Callable[[Any], Any], units: Iterable[Any], processes: int) -> Iterator[Any]:
    """`function(unit)` in `processes` forked workers, results in order. The workers run pure code only: they
    never touch the parent's database connection."""
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        yield from pool.imap(function, units)


class Prefetched:
    """Runs an iterator in a thread, `depth` items ahead of its consumer.

    While the consumer waits for the database (the wait releases the GIL, and so does lxml while it parses) the
    thread prepares the next item, so the database's work on the other core overlaps the preparation instead of
    adding to it. The producer must touch no database connection.
    """

    _END = object()

    def __init__(self, source: Iterator[Any], depth: int = 1) -> None:
        self._queue: queue.Queue[tuple[Any, BaseException | None]] = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(source,), name="bulk-prefetch", daemon=True)
        self._thread.start()

    def _put(self, item: tuple[Any, BaseException | None]) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def _run(self, source: Iterator[Any]) -> None:
        try:
            for item in source:
                if not self._put((item, None)):
                    return
            self._put((self._END, None))
        except BaseException as exc:  # handed to the consumer, raised there
            self._put((self._END, exc))
        finally:
            close = getattr(source, "close", None)
            if close is not None:
                close()

    def __iter__(self) -> "Prefetched":
        return self

    def __next__(self) -> Any:
        item, error = self._queue.get()
        if error is not None:
            self._stop.set()
            raise error
        if item is self._END:
            self._stop.set()
            raise StopIteration
        return item

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
