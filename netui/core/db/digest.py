"""A compact digest of every contact: what lists, name look-ups and the queue need, read
without building 10,000 full records.

Why: `netui log 'Dana Kim'` decoded every contact shard to find one name (~200 ms at 10,000
contacts), and `netui list` built 10,000 `Contact` objects (~400 ms) to print five columns.
The digest keeps, per contact shard, one small JSON row per contact in `cache/digest/`
(beside the search cache): reading all of them takes ~15 ms at 10,000 contacts.

A digest file names the shard, the signature (inode, size, mtime) it was built from, the
follow-up settings its due dates were computed with and the Unicode version of its folded
names, and carries a CRC-32. A stale, foreign or damaged digest is rebuilt from the shard:
never trusted, never an error for the user (a damaged shard is the store's usual error).
Files are private (0600) and replaced by rename (`cache_folder.py`). `rows_of` is the one
place a row is made, from a model object, so the digest says what the store would.

Read by name look-ups (`Store.find` on a lazy store) and `netui list`; not yet by `netui
queue` or the TUI's first screen, which still build every record (their panes hold `Contact`
objects).

A row is a list (no per-row objects; the positions are the constants below):
    [id, name, folded name, company, stage value, due ISO date or None, next action or None,
     tags, archived, unsorted, standing (the rung in words, or unsorted, or keep in touch)]
"""

from __future__ import annotations

import json
import unicodedata
import zlib
from collections.abc import Callable, Iterable
from contextlib import suppress
from pathlib import Path
from typing import Any

from netui.core.config import Settings
from netui.core.db.cache_folder import CacheFolder
from netui.core.db.schema import RecordProblem, parse_record
from netui.core.db.storage import Database, Signature
from netui.core.errors import StorageError
from netui.core.folding import fold
from netui.core.model import Contact
from netui.core.rules import next_action, standing

ID, NAME, FOLDED, COMPANY, STAGE, DUE, ACTION, TAGS, ARCHIVED, UNSORTED, STANDING = range(11)
WIDTH = 11
FORMAT = 3  # bump whenever the file's layout, a row's fields or what fold() produces change
# The format in the name: two netui versions sharing a folder (a benchmark corpus, an upgrade)
# each keep their own files instead of rebuilding each other's on every run.
SUFFIX = f".digest{FORMAT}"
_UNICODE = unicodedata.unidata_version
_ENCODER = json.JSONEncoder(ensure_ascii=True, separators=(",", ":"))

Row = list[Any]


def row_of(contact: Contact, settings: Settings) -> Row:
    """A contact's digest row."""
    nxt = next_action(contact, settings)
    return [
        contact.id,
        contact.name,
        fold(contact.name),
        contact.company,
        contact.stage.value,
        nxt.due.isoformat() if nxt else None,
        nxt.action if nxt else None,
        list(contact.tags),
        contact.archived,
        contact.unsorted,
        standing(contact),
    ]


def rows_of(contacts: Iterable[Contact], settings: Settings) -> list[Row]:
    return [row_of(c, settings) for c in contacts]


def _settings_key(settings: Settings) -> list[int]:
    """What due dates depend on: another setting, another digest."""
    return [
        settings.thank_you_days,
        settings.call_days,
        settings.coffee_days,
        settings.keep_in_touch_days,
    ]


def _header(rel: str, signature: Signature, settings: Settings) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "unicode": _UNICODE,
        "source": rel,
        "signature": list(signature),
        "settings": _settings_key(settings),
    }


def build(db: Database, rel: str, signature: Signature, settings: Settings) -> tuple[bytes, list]:
    """(digest file, its rows) of one contact shard, from the shard itself."""
    docs = db.load(rel).get("contacts", {})
    try:  # the store's own checks: a hand-edited record is refused the same way, by id
        rows = rows_of((parse_record(rel, key, doc) for key, doc in docs.items()), settings)
    except RecordProblem as exc:
        raise StorageError(
            f"{db.root / rel}: {exc}; the last good version is "
            f"{db.backup_path(rel)} (run `netui doctor`)"
        ) from None
    return encode(rel, signature, settings, rows), rows


def encode(rel: str, signature: Signature, settings: Settings, rows: list[Row]) -> bytes:
    """A digest file: CRC-32 (8 hex digits), header JSON, newline, the [id, folded name]
    pairs as JSON, newline, the rows as JSON.

    The pairs come first so a name look-up decodes them alone: 10,000 pairs decode in ~3 ms,
    10,000 whole rows in ~13 ms (`netui log NAME` needs only the pairs)."""
    names = [[row[ID], row[FOLDED]] for row in rows]
    payload = "\n".join(
        (_ENCODER.encode(_header(rel, signature, settings)), _ENCODER.encode(names), "")
    )
    payload_bytes = (payload + _ENCODER.encode(rows)).encode()
    return b"%08x" % zlib.crc32(payload_bytes) + payload_bytes


def _sections(data: bytes, rel: str, signature: Signature, settings: Settings) -> list[bytes]:
    """[names, rows] of a digest file, still encoded, if it is sound and current, else []."""
    payload = data[8:]
    if len(data) < 9 or b"%08x" % zlib.crc32(payload) != data[:8]:
        return []
    sections = payload.split(b"\n", 2)
    with suppress(ValueError, UnicodeDecodeError):
        if len(sections) == 3 and json.loads(sections[0]) == _header(rel, signature, settings):
            return sections[1:]
    return []


def _decoded(section: bytes, width: int) -> list[Any] | None:
    """A JSON list of lists each `width` long, or None."""
    with suppress(ValueError, UnicodeDecodeError):
        found = json.loads(section)
        # Checked with map() at C speed: a generator over 10,000 rows took ~3 ms of it.
        if (
            type(found) is list
            and {list} >= set(map(type, found))
            and {width} >= set(map(len, found))
        ):
            return found
    return None


def parse(data: bytes, rel: str, signature: Signature, settings: Settings) -> list[Row] | None:
    """The rows of a digest file if it is sound and current, else None."""
    sections = _sections(data, rel, signature, settings)
    return _decoded(sections[1], WIDTH) if sections else None


def parse_names(
    data: bytes, rel: str, signature: Signature, settings: Settings
) -> list[list[str]] | None:
    """The [id, folded name] pairs of a digest file if it is sound and current, else None."""
    sections = _sections(data, rel, signature, settings)
    return _decoded(sections[0], 2) if sections else None


def vouches_for(db: Database, rel: str, signature: Signature | None, settings: Settings) -> bool:
    """True when the digest of contact shard `rel` is sound and was built from the shard as
    it is now (`signature`): every record in it then passed `parse_record` when the digest
    was made, so a commit need not check them all again before rewriting the shard
    (300 contacts: ~25 ms of `netui log`)."""
    if signature is None:
        return False
    try:
        data = CacheFolder(db, "digest", SUFFIX).path(rel).read_bytes()
    except OSError:
        return False
    return bool(_sections(data, rel, signature, settings))


def load_digest(db: Database, settings: Settings) -> list[Row]:
    """Every contact's row, shard by shard (unsorted), rebuilding the stale digest files.

    Read under the database's shared lock, so the rows match one consistent state."""
    return _load(db, settings, parse, lambda rows: rows)


def load_names(db: Database, settings: Settings) -> list[list[str]]:
    """Every contact's [id, folded name], as `load_digest` reads rows (what name look-ups
    need: ~4 ms at 10,000 contacts instead of ~15 ms for the rows)."""
    return _load(db, settings, parse_names, lambda rows: [[r[ID], r[FOLDED]] for r in rows])


def _load(
    db: Database,
    settings: Settings,
    read: Callable[[bytes, str, Signature, Settings], list[Any] | None],
    from_rows: Callable[[list[Row]], list[Any]],
) -> list[Any]:
    folder = CacheFolder(db, "digest", SUFFIX)
    found: list[Any] = []
    rebuilt: list[tuple[Path, bytes]] = []
    with db.shared():
        signatures = db.signatures({"contacts"})
        for rel, signature in signatures.items():
            path = folder.path(rel)
            try:
                part = read(path.read_bytes(), rel, signature, settings)
            except OSError:
                part = None
            if part is None:
                data, rows = build(db, rel, signature, settings)
                rebuilt.append((path, data))
                part = from_rows(rows)
            found += part
        # Written once every shard was read: a damaged shard stops the command, writing nothing.
        for path, data in rebuilt:
            folder.write(path, data)
    if rebuilt:
        folder.tidy(set(signatures))
    return found


def carry_over(
    db: Database,
    rel: str,
    signatures: tuple[Signature | None, Signature | None],
    upserts: dict[str, dict[str, Any]],
    deletes: set[str],
    settings: Settings,
) -> None:
    """After a commit to a contact shard (under the write lock): its digest, if it was
    current `before` (or the shard is new), gets the changed rows and the `after` signature
    (~1 ms), so the next command does not rebuild it from the whole shard (~20 ms at 300
    contacts a shard).
    Anything amiss leaves the digest stale, for the next reader to rebuild."""
    before, after = signatures
    if after is None:
        return
    folder = CacheFolder(db, "digest", SUFFIX)
    path = folder.path(rel)
    try:
        rows = [] if before is None else parse(path.read_bytes(), rel, before, settings)
        if rows is None:
            return
        changed = upserts.keys() | deletes
        rows = [r for r in rows if r[ID] not in changed]
        rows += rows_of(map(Contact.from_dict, upserts.values()), settings)
    except (OSError, KeyError, ValueError, TypeError, AttributeError):
        return
    folder.write(path, encode(rel, after, settings, rows))
