"""Which contacts each diary month file holds: so `netui show NAME` reads the few month files
with the contact's entries instead of parsing all 100,000 entries (~1.5 s at ten years).

One small file per month file in `cache/diary/` (beside the digest): a CRC-32, a header
naming the month file and the signature (inode, size, mtime) it was built from, the sorted
ids of the contacts with an entry in it, and the sorted ids of its entries. Built when a
month file is parsed whole
(every record checked by the store's own parser, so a hand-damaged file is refused as a
full load refuses it); a current index vouches that its month file parsed at that
signature, so a reader then parses only the contact's own entries, and a commit into the
month need not check its entries again before rewriting it (`checked`; a commit that
checked them all writes the index, `keep_after_commit`: logging into a month of 3,149
entries spent ~30-50 ms checking them, every time). Its entry ids tell a new entry is new
(`holds_entry`) without decoding the month, which `netui log` then appends to
(`storage.appended`; decoding and re-encoding 1.6 MB: ~25 ms). A stale, foreign or
damaged index is rebuilt, never an error; written like every cache (`cache_folder.py`).
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import Any

from netui.core.db.cache_folder import CacheFolder
from netui.core.db.storage import Database, Signature
from netui.core.errors import StorageError
from netui.core.model import Conversation

FORMAT = 2  # 2: the entry ids too
SUFFIX = f".ids{FORMAT}"
RETIRED = (".ids1",)  # format 1's files, removed when this format's are written
_ENCODER = json.JSONEncoder(ensure_ascii=True, separators=(",", ":"))

# (month file, its bytes, the one contact to parse or None for every record) -> records by id
ParseMonth = Callable[[str, bytes, str | None], dict[str, Conversation]]


def _header(rel: str, signature: Signature) -> dict[str, Any]:
    return {"format": FORMAT, "source": rel, "signature": list(signature)}


def encode(rel: str, signature: Signature, contact_ids: set[str], entry_ids: set[str]) -> bytes:
    lines = [_header(rel, signature), sorted(contact_ids), sorted(entry_ids)]
    payload = "\n".join(map(_ENCODER.encode, lines)).encode()
    return b"%08x" % zlib.crc32(payload) + payload


def current_lines(data: bytes, rel: str, signature: Signature) -> list[bytes] | None:
    """The encoded [contact ids, entry ids] of a sound index built from the month file as it
    is now, else None."""
    payload = data[8:]
    if len(data) < 9 or b"%08x" % zlib.crc32(payload) != data[:8]:
        return None
    head, *lines = payload.split(b"\n")
    with suppress(ValueError, UnicodeDecodeError):
        if len(lines) == 2 and json.loads(head) == _header(rel, signature):
            return lines
    return None


def _current(db: Database, rel: str, signature: Signature | None) -> list[bytes] | None:
    if signature is None:
        return None
    try:
        return current_lines(
            CacheFolder(db, "diary", SUFFIX).path(rel).read_bytes(), rel, signature
        )
    except OSError:
        return None


def checked(
    db: Database, rel: str, signature: Signature | None
) -> tuple[set[str], set[str]] | None:
    """(the contacts with an entry in month file `rel`, its entry ids) if its index is sound
    and built from the file as it is now (every entry in it passed the store's parser),
    else None."""
    lines = _current(db, rel, signature)
    with suppress(ValueError, UnicodeDecodeError):
        found = [json.loads(line) for line in lines] if lines is not None else []
        if len(found) == 2 and all(
            type(ids) is list and {str} >= set(map(type, ids)) for ids in found
        ):
            return set(found[0]), set(found[1])
    return None


def holds_entry(db: Database, rel: str, signature: Signature | None, entry_id: str) -> bool | None:
    """Whether month file `rel` holds entry `entry_id`, as its current index says, else None
    (a false hit can only say yes: the id's spelling is searched in the encoded list)."""
    lines = _current(db, rel, signature)
    return None if lines is None else _ENCODER.encode(entry_id).encode() in lines[1]


def keep_after_commit(
    db: Database, rel: str, signature: Signature | None, ids: tuple[set[str], set[str]]
) -> None:
    """After a commit rewrote month file `rel` (under the write lock), from entries all
    checked (those it kept, `checked` or parsed, and those it wrote): its index (contact
    ids, entry ids) at the new `signature`. The ids may be a superset (a deleted entry's):
    a look-up then parses a month holding none of theirs, no harm."""
    if signature is not None:
        folder = CacheFolder(db, "diary", SUFFIX)
        folder.write(folder.path(rel), encode(rel, signature, *ids))


def _read(db: Database, rel: str) -> bytes:
    path = db.root / rel
    try:
        return path.read_bytes()
    except OSError as exc:
        raise StorageError(f"cannot read {path}: {exc.strerror}") from None


def entries_of(db: Database, contact_id: str, parse: ParseMonth) -> list[Conversation]:
    """Every diary entry of one contact, read under the shared lock (unsorted)."""
    folder = CacheFolder(db, "diary", SUFFIX, RETIRED)
    needle = _ENCODER.encode(contact_id).encode()  # the id as the index spells it, quoted
    found: list[Conversation] = []
    rebuilt: list[tuple[Path, bytes]] = []
    with db.shared():
        signatures = db.signatures({"conversations"})
        for rel, signature in signatures.items():
            path = folder.path(rel)
            try:
                lines = current_lines(path.read_bytes(), rel, signature)
            except OSError:
                lines = None
            ids = lines[0] if lines is not None else None
            if ids is not None and needle not in ids:
                continue  # vouched for, and none of theirs
            raw = _read(db, rel)
            if ids is not None:
                found += parse(rel, raw, contact_id).values()
                continue
            records = parse(rel, raw, None)  # every record checked, as a full load would
            found += [r for r in records.values() if r.contact_id == contact_id]
            contact_ids = {r.contact_id for r in records.values()}
            rebuilt.append((path, encode(rel, signature, contact_ids, set(records))))
        folder.keep(rebuilt, set(signatures))
    return found
