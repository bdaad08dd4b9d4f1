"""Plain SQL for the statements every post pays for (the posting batch's fixed cost).

A post that arrives alone is a batch of one, so each statement the batch makes is paid in
full by one message. Built by the ORM, a statement costs 0.3–1 ms of CPU to build and
compile (``build_filter``, ``as_sql``, ``get_select``); the same statement as text with
placeholders costs ~0.05 ms. Column lists come from the models (``_meta``), so a renamed
field cannot leave a stale copy here; every value is a parameter, adapted by the field's own
``get_db_prep_value`` where the database needs it (a UUID is text on SQLite). The SQL is the
subset PostgreSQL and SQLite share (``ON CONFLICT … DO UPDATE``, ``FOR UPDATE`` on
PostgreSQL only, where SQLite's write transaction already serialises).
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connection, connections, models

from accounts.models import Organisation, Profile
from forum.models import Community, Membership, Message, Room, Topic

M = TypeVar("M", bound=models.Model)


# Quoted names and column lists depend only on the model and the database vendor: made once each.
# (``django.db.connection`` is a thread-local proxy; every attribute read through it costs.)


@functools.cache
def _table(model: type[models.Model], vendor: str) -> str:
    return connection.ops.quote_name(model._meta.db_table)


@functools.cache
def _column(model: type[models.Model], name: str, vendor: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field) and field.column
    return connection.ops.quote_name(field.column)


@functools.cache
def vendor() -> str:
    """The database's vendor: one database per process, so read once."""
    return connections[DEFAULT_DB_ALIAS].vendor


def table(model: type[models.Model]) -> str:
    return _table(model, vendor())


def column(model: type[models.Model], name: str) -> str:
    return _column(model, name, vendor())


def placeholders(values: Collection[Any]) -> str:
    return ", ".join(["%s"] * len(values))


@functools.cache
def _fields(model: type[models.Model], vendor: str) -> tuple[list[str], str]:
    fields = model._meta.concrete_fields
    quoted = ", ".join(f"{_table(model, vendor)}.{connection.ops.quote_name(f.column)}" for f in fields)
    return [f.attname for f in fields], quoted


@functools.cache
def _converters(model: type[models.Model], vendor: str) -> list[tuple[int, list[Any]]]:
    """Per column that needs one, the functions that turn the driver's value into the field's."""
    found = []
    for i, field in enumerate(model._meta.concrete_fields):
        # What the ORM's compiler applies to a selected column, in its order: the backend's
        # converters, then the field's. The backend's take the column expression, not the field
        # (SQLite's read ``expression.output_field``).
        col = field.get_col(model._meta.db_table)
        functions = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
        if functions:
            found.append((i, functions))
    return found


def instances(model: type[M], names: list[str], rows: Iterable[Sequence[Any]]) -> list[M]:
    """Rows as model instances, as the ORM makes them (``from_db``, converters applied)."""
    db = connections[DEFAULT_DB_ALIAS]
    converters = _converters(model, vendor())
    made = []
    for row in rows:
        values = list(row)
        for i, functions in converters:
            for convert in functions:
                values[i] = convert(values[i], None, db)
        made.append(model.from_db(db.alias, names, values))
    return made


@dataclass(frozen=True, slots=True)
class LockedTopics:
    topics: list[Topic]
    memberships: list[Membership]
    # The member's (organisation name, avatar path) for the live message's author line, when one
    # member was asked for and has a profile.
    cards: dict[int, tuple[str, str]]
    # Whether a message of one of the asked authors carries one of the asked client ids: a post
    # may be a retry (nearly always False; when True the caller looks closer).
    retries: bool = False


def topics_in_locked_rooms(
    topic_ids: Collection[int],
    member_id: int | None = None,
    retry_keys: tuple[Collection[int | None], Collection[Any]] | None = None,
) -> LockedTopics:
    """The topics with their rooms and communities, the rooms locked in id order (so concurrent
    batches cannot deadlock), and the memberships and profile card of ``member_id`` (a post's
    author: one row per topic at most) in those communities: one statement.

    With ``retry_keys`` (the posts' authors and client ids, as the database takes them), the
    same statement also says whether some message already has such an author and client id,
    through the (author, client_id) unique index: a post alone pays no statement of its own for
    the idempotency check."""
    if not topic_ids:
        return LockedTopics([], [], {})
    topic_names, topic_columns = _fields(Topic, vendor())
    room_names, room_columns = _fields(Room, vendor())
    community_names, community_columns = _fields(Community, vendor())
    membership_names, membership_columns = _fields(Membership, vendor())
    topics, rooms, communities, memberships = table(Topic), table(Room), table(Community), table(Membership)
    profiles, organisations = table(Profile), table(Organisation)
    lock = f" FOR UPDATE OF {rooms}" if connection.features.has_select_for_update_of else ""
    retry_column, retry_params = "NULL", []
    if retry_keys is not None and retry_keys[0] and retry_keys[1]:
        authors, client_ids = retry_keys
        retry_column = (
            f"(SELECT MIN({column(Message, 'id')}) FROM {table(Message)}"  # noqa: S608
            f" WHERE {column(Message, 'author')} IN ({placeholders(authors)})"
            f" AND {column(Message, 'client_id')} IN ({placeholders(client_ids)}))"
        )
        retry_params = [*authors, *client_ids]
    statement = (
        f"SELECT {topic_columns}, {room_columns}, {community_columns}, {membership_columns},"  # noqa: S608
        f" {profiles}.{column(Profile, 'user')}, {organisations}.{column(Organisation, 'name')},"
        f" {profiles}.{column(Profile, 'avatar')}, {retry_column} FROM {topics}"
        f" JOIN {rooms} ON {rooms}.{column(Room, 'id')} = {topics}.{column(Topic, 'room')}"
        f" JOIN {communities} ON {communities}.{column(Community, 'id')} = {rooms}.{column(Room, 'community')}"
        f" LEFT JOIN {memberships}"
        f" ON {memberships}.{column(Membership, 'community')} = {rooms}.{column(Room, 'community')}"
        f" AND {memberships}.{column(Membership, 'user')} = %s"
        f" LEFT JOIN {profiles} ON {profiles}.{column(Profile, 'user')} = %s"
        f" LEFT JOIN {organisations}"
        f" ON {organisations}.{column(Organisation, 'id')} = {profiles}.{column(Profile, 'organisation')}"
        f" WHERE {topics}.{column(Topic, 'id')} IN ({placeholders(topic_ids)})"
        f" ORDER BY {rooms}.{column(Room, 'id')}, {topics}.{column(Topic, 'id')}{lock}"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [*retry_params, member_id, member_id, *sorted(topic_ids)])  # = NULL matches nothing
        found = cursor.fetchall()
    # One row per topic and membership found (at least one per topic): each part made once.
    ends = [len(topic_names), len(room_names), len(community_names), len(membership_names)]
    t_end, r_end, c_end = ends[0], ends[0] + ends[1], ends[0] + ends[1] + ends[2]
    m_end = c_end + ends[3]
    topics_by_id: dict[int, Topic] = {}
    rooms_by_id: dict[int, Room] = {}
    communities_by_id: dict[int, Community] = {}
    memberships_by_id: dict[int, Membership] = {}
    for row in found:
        topic_id, room_id, community_id, membership_id = row[0], row[t_end], row[r_end], row[c_end]
        if room_id not in rooms_by_id:  # one instance per room: the batch counts its seqs on it
            (rooms_by_id[room_id],) = instances(Room, room_names, [row[t_end:r_end]])
        if community_id not in communities_by_id:
            (communities_by_id[community_id],) = instances(Community, community_names, [row[r_end:c_end]])
        rooms_by_id[room_id].community = communities_by_id[community_id]
        if topic_id not in topics_by_id:
            (topic,) = instances(Topic, topic_names, [row[:t_end]])
            topic.room = rooms_by_id[room_id]
            topics_by_id[topic_id] = topic
        if membership_id is not None and membership_id not in memberships_by_id:
            (memberships_by_id[membership_id],) = instances(Membership, membership_names, [row[c_end:m_end]])
    cards = {}
    if found and found[0][m_end] is not None:
        card_user, organisation, avatar = found[0][m_end : m_end + 3]
        cards[card_user] = (organisation or "", avatar or "")
    # No row (every topic gone) hides the answer: say "maybe", the caller looks closer.
    retries = found[0][-1] is not None if found else bool(retry_params)
    return LockedTopics(list(topics_by_id.values()), list(memberships_by_id.values()), cards, retries)


def author_cards(user_ids: Collection[int]) -> list[tuple[int, str | None, str | None]]:
    """(user id, organisation name, avatar path) of these members' profiles, for the live
    message's author line."""
    if not user_ids:
        return []
    profiles, organisations = table(Profile), table(Organisation)
    return [
        (uid, org, avatar)
        for uid, org, avatar in rows(
            f"SELECT {profiles}.{column(Profile, 'user')}, {organisations}.{column(Organisation, 'name')},"  # noqa: S608
            f" {profiles}.{column(Profile, 'avatar')} FROM {profiles} LEFT JOIN {organisations}"
            f" ON {organisations}.{column(Organisation, 'id')} = {profiles}.{column(Profile, 'organisation')}"
            f" WHERE {profiles}.{column(Profile, 'user')} IN ({placeholders(user_ids)})",
            list(user_ids),
        )
    ]


def select(model: type[M], where: str, params: Sequence[Any]) -> list[M]:
    """``SELECT`` every column of ``model`` ``WHERE`` the given condition (with ``%s`` placeholders)."""
    names, columns = _fields(model, vendor())
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {table(model)} WHERE {where}", params)  # noqa: S608
        return instances(model, names, cursor.fetchall())


def rows(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def prep(model: type[models.Model], name: str, value: Any) -> Any:
    """``value`` as the database takes it for ``model.name`` (a UUID is text on SQLite)."""
    return model._meta.get_field(name).get_db_prep_value(value, connection)  # type: ignore[union-attr]


def insert(model: type[M], objs: Sequence[M]) -> None:
    """``bulk_create`` for new rows as one ``INSERT … RETURNING id``: sets each instance's pk.

    Values are prepared as the ORM prepares them (``pre_save`` with ``add``, ``get_db_prep_save``).
    """
    if not objs:
        return
    db = connections[DEFAULT_DB_ALIAS]
    fields = [f for f in model._meta.concrete_fields if f is not model._meta.pk]
    columns = ", ".join(column(model, f.name) for f in fields)
    row = f"({', '.join(['%s'] * len(fields))})"
    params = [f.get_db_prep_save(f.pre_save(obj, True), db) for obj in objs for f in fields]
    statement = (
        f"INSERT INTO {table(model)} ({columns}) VALUES {', '.join([row] * len(objs))}"  # noqa: S608
        f" RETURNING {column(model, model._meta.pk.name)}"
    )
    with db.cursor() as cursor:
        cursor.execute(statement, params)
        ids = [r[0] for r in cursor.fetchall()]
    for obj, pk in zip(objs, ids, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = db.alias


def together(statements: Sequence[tuple[str, Sequence[Any]]]) -> None:
    """Run data-changing statements that do not depend on each other's results.

    On PostgreSQL as one statement (each a ``WITH`` part), so a batch pays one round trip and
    one execute for all of them; elsewhere one after another.
    """
    statements = [(s, p) for s, p in statements if s]
    if not statements:
        return
    db = connections[DEFAULT_DB_ALIAS]
    with db.cursor() as cursor:
        if vendor() == "postgresql" and len(statements) > 1:
            parts = ", ".join(f"s{i} AS ({statement})" for i, (statement, _p) in enumerate(statements))
            cursor.execute(f"WITH {parts} SELECT 1", [v for _s, params in statements for v in params])
        else:
            for statement, params in statements:
                cursor.execute(statement, params)


def upsert_statement(
    model: type[models.Model], names: Sequence[str], unique: Sequence[str], update: str, values: Sequence[Sequence[Any]]
) -> tuple[str, list[Any]]:
    """``INSERT … ON CONFLICT (unique) DO UPDATE SET update = excluded.update`` for all rows ("" if none)."""
    if not values:
        return "", []
    columns = [column(model, n) for n in names]
    conflict = ", ".join(column(model, n) for n in unique)
    target = column(model, update)
    row = f"({', '.join(['%s'] * len(names))})"
    statement = (
        f"INSERT INTO {table(model)} ({', '.join(columns)}) VALUES {', '.join([row] * len(values))}"  # noqa: S608
        f" ON CONFLICT ({conflict}) DO UPDATE SET {target} = excluded.{target}"
    )
    return statement, [v for value in values for v in value]


def _values_table(rows: Sequence[tuple[Any, ...]], names: Sequence[str]) -> tuple[str, list[Any]]:
    """``SELECT %s AS a, %s AS b UNION ALL …``: a literal table that PostgreSQL and SQLite
    (3.33+) can both join in ``UPDATE … FROM``; ``VALUES … AS v(a, b)`` is PostgreSQL only."""
    select = "SELECT " + ", ".join(f"%s AS {name}" for name in names)
    return " UNION ALL ".join([select] * len(rows)), [value for row in rows for value in row]


def counter_statements(
    room_seqs: dict[int, int], topic_counts: dict[int, tuple[int, int]], now: datetime
) -> list[tuple[str, list[Any]]]:
    """A batch's new room seqs and topic counters, one statement per table whatever the
    number of rooms and topics. (The ORM's ``bulk_update``/``Case(When(…))`` builds the same
    in Python at ~0.5 ms per row: most of a 100-room batch's CPU.)"""
    rooms, topics = table(Room), table(Topic)
    literal, params = _values_table(sorted(room_seqs.items()), ["id", "seq"])
    # Only quoted table names and placeholders are formatted in; every value is a parameter.
    by_room = (f"UPDATE {rooms} SET last_seq = v.seq FROM ({literal}) AS v WHERE {rooms}.id = v.id", params)  # noqa: S608
    rows = [(tid, n, seq) for tid, (n, seq) in sorted(topic_counts.items())]
    literal, params = _values_table(rows, ["id", "n", "seq"])
    by_topic = (
        f"UPDATE {topics} SET message_count = {topics}.message_count + v.n, last_seq = v.seq,"  # noqa: S608
        f" last_message_at = %s FROM ({literal}) AS v WHERE {topics}.id = v.id",
        [now, *params],
    )
    return [by_room, by_topic]
