"""What a database file and its records must look like: one set of checks for the store and doctor.

The store refuses a file on load for exactly the reasons the doctor reports it (before this
module they disagreed: only the doctor required 9-digit undo keys and checked that a contact
sits in its own shard, so the store could load a file the doctor called broken).

Layout of the files (see `storage.py` for how they are written):

    meta.json, referrals.json, undo.json, contacts/NN.json (32 shards by id),
    conversations/YYYY-MM.json (one per month of the conversation's date)
"""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from netui.core.dates import DATE_RANGE

if TYPE_CHECKING:
    from netui.core import model
    from netui.core.model import Contact, Conversation, Introduction, Referral
else:
    model = None  # bound at the first record parsed: see `_parsers`

CONTACT_SHARDS = 32

# Which table each kind of file holds; anything else in a file is a wrong shape.
TABLE_OF_KIND = {
    "meta": "meta",
    "contacts": "contacts",
    "conversations": "conversations",
    "referrals": "referrals",
    "introductions": "introductions",
    "undo": "undo",
}
# The files of one record kind each, beside meta.json and undo.json.
SINGLE_FILES = ("meta.json", "referrals.json", "introductions.json", "undo.json")

# Every data file name netui writes, relative to the database folder; nothing else is one.
DATA_FILE = re.compile(
    r"meta\.json|referrals\.json|introductions\.json|undo\.json|contacts/\d\d\.json"
    r"|conversations/\d{4}-\d\d\.json"
)
UNDO_KEY = re.compile(r"\d{9}")
_UNDO_KINDS = {"contact", "conversation", "referral", "introduction"}
_RECORD_ERRORS = (KeyError, ValueError, TypeError, AttributeError)


class RecordProblem(ValueError):
    """Why one stored record cannot be used (the message names the record)."""


def contact_file(contact_id: str) -> str:
    return f"contacts/{zlib.crc32(contact_id.encode()) % CONTACT_SHARDS:02d}.json"


def conversation_file(on: date) -> str:
    return f"conversations/{on.year:04d}-{on.month:02d}.json"


def kind_of(rel: str) -> str | None:
    """Which kind of records a relative path holds, or None if it is not a data file."""
    if rel in SINGLE_FILES:
        return rel[:-5]
    head, _, name = rel.partition("/")
    if head in ("contacts", "conversations") and name.endswith(".json") and "/" not in name:
        return head
    return None


# -- a whole file --------------------------------------------------------------------------------


def shape_problem(data: Any, table: str | None) -> str | None:
    """Why decoded JSON is not a file holding `table` (TinyDB's layout), or None."""
    if not isinstance(data, dict):
        return "the top level is not a JSON object"
    if table is None:
        return None
    if table not in data:
        return f"the table {table!r} is missing"
    extra = set(data) - {table}
    if extra:
        return f"unexpected tables {sorted(extra)}"
    docs = data[table]
    if not isinstance(docs, dict):
        return f"the table {table!r} is not a JSON object"
    for doc_id, doc in docs.items():
        if not isinstance(doc, dict):
            return f"record {doc_id!r} is not a JSON object"
    return None


def file_problem(rel: str, raw: bytes) -> tuple[str | None, dict[str, Any]]:
    """Why these bytes cannot be the file `rel`, or None and its parsed records by id."""
    if not raw.strip():
        return "the file is empty (netui never writes an empty file)", {}
    try:
        data = json.loads(raw)
    except UnicodeDecodeError:
        return "the file is not UTF-8 text", {}
    except json.JSONDecodeError as exc:
        return f"not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})", {}
    except RecursionError:
        return "nested too deeply to be netui's (not valid netui JSON)", {}
    kind = kind_of(rel)
    table = TABLE_OF_KIND[kind] if kind else None
    problem = shape_problem(data, table)
    if problem or table is None:
        return problem, {}
    parsed = {}
    for key, doc in data[table].items():
        try:
            parsed[key] = parse_record(rel, key, doc)
        except RecordProblem as exc:
            return str(exc), {}
    return None, parsed


# -- one record ----------------------------------------------------------------------------------


def parse_record(rel: str, key: str, doc: dict[str, Any]) -> Any:
    """The record stored under `key` in the file `rel`, parsed; RecordProblem if it is wrong."""
    kind = kind_of(rel)
    if (problem := _date_out_of_range(key, doc)) is not None:
        raise RecordProblem(problem)
    try:
        return (_PARSERS or _parsers())[kind](rel, key, doc)
    except RecordProblem:
        raise
    except _RECORD_ERRORS as exc:
        raise RecordProblem(f"record {key!r} is invalid ({type(exc).__name__}: {exc})") from None


_DATE_FIELDS = ("met_on", "follow_up_on", "last_contact_on", "on", "thanked_on")
_ISO_DAY = re.compile(r"\d{4}-\d\d-\d\d")


def _date_out_of_range(key: str, doc: Any) -> str | None:
    """A hand-edited day outside DATE_RANGE (9999-12-31 once broke every due date), by name."""
    if not isinstance(doc, dict):
        return None
    steps = doc.get("stage_history")
    named = [(name, doc.get(name)) for name in _DATE_FIELDS]
    if isinstance(steps, list):
        named += [("stage date", s.get("on")) for s in steps if isinstance(s, dict)]
    first, last = (day.isoformat() for day in DATE_RANGE)
    for name, value in named:
        if isinstance(value, str) and _ISO_DAY.match(value) and not first <= value[:10] <= last:
            return (
                f"record {key!r}: {name} {value[:10]} is out of range ({first} to {last}); "
                "correct it by hand (netui refuses the file until then)"
            )
    return None


def _own_id(key: str, doc: dict[str, Any]) -> None:
    if doc.get("id") != key:
        raise RecordProblem(f"record {key!r} carries the id {doc.get('id')!r}")


def _contact(rel: str, key: str, doc: dict[str, Any]) -> Contact:
    if not isinstance(doc.get("name"), str):
        raise RecordProblem(f"contact {key!r} has no text name")
    _own_id(key, doc)
    contact = model.Contact.from_dict(doc)
    if contact_file(key) != rel:
        raise RecordProblem(f"contact {key!r} belongs in {contact_file(key)}, not here")
    return contact


def _conversation(rel: str, key: str, doc: dict[str, Any]) -> Conversation:
    if not isinstance(doc.get("contact_id"), str) or not isinstance(doc.get("on"), str):
        raise RecordProblem(f"diary entry {key!r} lacks a contact_id or a date")
    _own_id(key, doc)
    conv = model.Conversation.from_dict(doc)
    if conversation_file(conv.on) != rel:
        raise RecordProblem(
            f"diary entry {key!r} is dated {conv.on}, so it belongs in {conversation_file(conv.on)}"
        )
    return conv


def _referral(rel: str, key: str, doc: dict[str, Any]) -> Referral:
    if not all(isinstance(doc.get(k), str) for k in ("referrer_id", "referred_id")):
        raise RecordProblem(f"referral {key!r} lacks a referrer_id or a referred_id")
    _own_id(key, doc)
    return model.Referral.from_dict(doc)


def _introduction(rel: str, key: str, doc: dict[str, Any]) -> Introduction:
    if not all(isinstance(doc.get(k), str) for k in ("a_id", "b_id")):
        raise RecordProblem(f"introduction {key!r} lacks one of the two contacts (a_id, b_id)")
    _own_id(key, doc)
    return model.Introduction.from_dict(doc)


def _undo(rel: str, key: str, entry: dict[str, Any]) -> dict[str, Any]:
    if not UNDO_KEY.fullmatch(key):
        raise RecordProblem(f"undo entry {key!r} is not a 9-digit sequence number")
    if not isinstance(entry.get("description"), str):
        raise RecordProblem(f"undo entry {key!r} has no description")
    if entry.get("barrier"):
        return entry
    changes = entry.get("changes")
    if not isinstance(changes, list):
        raise RecordProblem(f"undo entry {key!r} has no list of changes")
    for change in changes:
        if not (
            isinstance(change, dict)
            and change.get("kind") in _UNDO_KINDS
            and isinstance(change.get("id"), str)
            and all(isinstance(change.get(k), dict | None) for k in ("before", "after"))
        ):
            raise RecordProblem(f"undo entry {key!r} holds a malformed change")
    return entry


def _meta(rel: str, key: str, doc: dict[str, Any]) -> dict[str, Any]:
    if key == "schema" and not isinstance(doc.get("schema_version"), int):
        raise RecordProblem("the schema record has no whole-number schema_version")
    return doc


_PARSERS: dict[str | None, Callable[[str, str, dict[str, Any]], Any]] = {}


def _parsers() -> dict[str | None, Callable[[str, str, dict[str, Any]], Any]]:
    """The parser of each kind, made at the first record parsed, when the model is imported.

    Why not at the top: opening a database imports this module, and the model (with
    dataclasses: ~11 ms) was then part of every command, `netui search` included, which
    reads its hits from the search cache and parses no record while the cache is current.
    """
    global model
    from netui.core import model

    _PARSERS.update(
        contacts=_contact,
        conversations=_conversation,
        referrals=_referral,
        introductions=_introduction,
        undo=_undo,
        meta=_meta,
    )
    return _PARSERS
