"""A compact digest of every contact: what lists, name look-ups and the queue need, read
without building 10,000 full records.

Why: `netui log 'Dana Kim'` decoded every contact shard to find one name (~200 ms at 10,000
contacts), and `netui list` built 10,000 `Contact` objects (~400 ms) to print five columns.
The digest keeps, per contact shard, one small JSON row per contact in `cache/digest/`
(beside the search cache): reading all of them takes ~15 ms at 10,000 contacts.

A digest file names the shard, the signature (inode, size, mtime) it was built from, the
follow-up settings its due dates were computed with and the Unicode version of its folded
names, and carries a CRC-32 of that header and of each part. A stale, foreign or damaged
digest is rebuilt from the shard: never trusted, never an error for the user (a damaged
shard is the store's usual error). Files are private (0600) and replaced by rename
(`cache_folder.py`). `rows_of` is the one place a row is made, from a model object, so the
digest says what the store would.

A file has three parts, each decoded only by the commands that need it (at 10,000
contacts): the [id, folded name] pairs (name look-ups: `Store.find` on a lazy store, ~3 ms),
the [id, look-up keys] pairs (`netui add`'s look-alike warning, `identity.lookup_keys`), and
the rows (`netui list`, `netui queue` through `digest.queue`, ~13 ms). A current digest also
vouches for its shard: every record in it passed `parse_record` at that signature, so a
commit rewriting the shard need not parse its 300 records again (`vouches_for`). The TUI's
first screen still builds every record (its panes hold `Contact` objects).

A row is a list (no per-row objects; the positions are the constants below):
    [id, name, folded name, company, stage value, due ISO date or None, next action or None,
     tags, archived, unsorted, standing (the rung in words, or unsorted, or keep in touch)]
"""

from __future__ import annotations

import json
import unicodedata
import zlib
from collections.abc import Callable, Iterable, Sequence
from contextlib import suppress
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple, cast

from netui.core.config import Settings
from netui.core.dates import add_days
from netui.core.db.cache_folder import CacheFolder
from netui.core.db.schema import RecordProblem, parse_record
from netui.core.db.storage import Database, Signature, contact_file
from netui.core.errors import StorageError
from netui.core.folding import fold
from netui.core.identity import NETUI_ID, lookup_keys
from netui.core.model import Contact, Introduction, Referral
from netui.core.rules import NextAction, QueueItem, next_action, queue_of, standing

ID, NAME, FOLDED, COMPANY, STAGE, DUE, ACTION, TAGS, ARCHIVED, UNSORTED, STANDING = range(11)
WIDTH = 11
# Bump whenever the file's layout, a row's fields or what fold() produces change. 4: the
# header says whether the shard holds an id not of netui's making ("odd_ids"), which
# `netui add` found by a regex over every shard's keys (~2.4 ms at 10,000 contacts), and
# where each part ends, with its own CRC-32, so a reader reads the file only up to the part
# it needs: `netui log NAME` read all 4.2 MB of digest files for the 0.6 MB of names.
FORMAT = 4
_FIRST_READ = 1 << 16  # the header and, at 300 contacts a shard, the names part
# The format in the name: two netui versions sharing a folder (a benchmark corpus, an upgrade)
# each keep their own files instead of rebuilding each other's on every run.
SUFFIX = f".digest{FORMAT}"
# Earlier formats' files, removed when this format's are written: 1 and 2 (before the format
# was in the name) and 3. Two versions sharing a folder then rebuild each other's files, a
# cost of speed only; a user's upgrade leaves no 4 MB of dead digests behind (10k contacts).
RETIRED = (".digest", ".digest3")
_UNICODE = unicodedata.unidata_version
_ENCODER = json.JSONEncoder(ensure_ascii=True, separators=(",", ":"))

Row = list[Any]


class Brief(NamedTuple):
    """A contact as a digest row tells it: enough for the follow-up queue (`rules.Person`)."""

    id: str
    name: str
    archived: bool
    action: str | None
    due: str | None  # ISO date


def briefs(rows: Iterable[Row]) -> dict[str, Brief]:
    """Every row as a `Brief`, by id."""
    return {r[ID]: Brief(r[ID], r[NAME], r[ARCHIVED], r[ACTION], r[DUE]) for r in rows}


def queue(
    rows: Iterable[Row],
    settings: Settings,
    on: date,
    *,
    referrals: Iterable[Referral] = (),
    introductions: Iterable[Introduction] = (),
    horizon_days: int = 0,
) -> list[QueueItem[Brief]]:
    """`rules.queue` from digest rows: the same items, in the same order and words, each
    contact a `Brief`: `netui queue` at 10,000 contacts built every record for it (~1.5 s).
    Only the due dates within the horizon become dates (compared as ISO strings first)."""
    limit = add_days(on, horizon_days).isoformat()

    def next_of(brief: Brief) -> NextAction | None:
        if brief.due is None or brief.action is None or brief.due > limit:
            return None  # not in the queue: `queue_of` leaves out what is due after `limit`
        return NextAction(brief.action, date.fromisoformat(brief.due))

    return queue_of(
        briefs(rows),
        next_of,
        settings,
        on,
        referrals=referrals,
        introductions=introductions,
        horizon_days=horizon_days,
    )


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


# A digest file's sections after its header, in order: what a name look-up needs first.
NAMES, KEYS, ROWS = range(3)
_WIDTHS = (2, 2, WIDTH)
Parts = list[list[Any]]  # [names, keyed, rows], each a list of lists


def parts_of(contacts: Iterable[Contact], settings: Settings) -> Parts:
    """[names, keyed, rows] of these contacts: [id, folded name] pairs, [id, look-up keys]
    (`identity.lookup_keys`) and digest rows."""
    chosen = list(contacts)
    rows = rows_of(chosen, settings)
    names = [[row[ID], row[FOLDED]] for row in rows]
    return [names, [[c.id, lookup_keys(c)] for c in chosen], rows]


def build(db: Database, rel: str, signature: Signature, settings: Settings) -> tuple[bytes, Parts]:
    """(digest file, its parts) of one contact shard, from the shard itself."""
    docs = db.load(rel).get("contacts", {})
    try:  # the store's own checks: a hand-edited record is refused the same way, by id
        parts = parts_of((parse_record(rel, key, doc) for key, doc in docs.items()), settings)
    except RecordProblem as exc:
        raise StorageError(
            f"{db.root / rel}: {exc}; the last good version is "
            f"{db.backup_path(rel)} (run `netui doctor`)"
        ) from None
    return encode(rel, signature, settings, parts), parts


def encode(rel: str, signature: Signature, settings: Settings, parts: Parts) -> bytes:
    """A digest file: lines of JSON: the header, the [id, folded name] pairs, the [id,
    look-up keys] pairs, the rows (`_file`).

    Apart so each command decodes only what it needs: at 10,000 contacts the pairs decode
    in ~3 ms, the rows in ~13 ms (`netui log NAME` needs the names, `netui add` the keys,
    `netui list` the rows)."""
    odd = _odd_ids(name[0] for name in parts[NAMES])
    return _file(rel, signature, settings, odd, [_ENCODER.encode(p).encode() for p in parts])


def _file(
    rel: str, signature: Signature, settings: Settings, odd: bool, parts: list[bytes]
) -> bytes:
    """The header line (the CRC-32 of its JSON in 8 hex digits, then the JSON: `_header`,
    whether an id is not netui's, each part's length and CRC-32), then a line per part."""
    head = {
        **_header(rel, signature, settings),
        "odd_ids": odd,
        "parts": [[len(part), zlib.crc32(part)] for part in parts],
    }
    line = _ENCODER.encode(head).encode()
    return b"\n".join([b"%08x" % zlib.crc32(line) + line, *parts])


def _odd_ids(ids: Iterable[str]) -> bool:
    """Whether one of `ids` is not of netui's making (`NETUI_ID`): hand-edited or imported."""
    return not all(map(NETUI_ID.fullmatch, ids))


Spans = list[tuple[int, int, int]]  # each part's (start, end, CRC-32) in the file


def _head(
    data: bytes, rel: str, signature: Signature, settings: Settings
) -> tuple[Spans, bool] | None:
    """(where each part is, whether the shard holds an id not of netui's making) if the
    header at the start of `data` is sound and current, else None."""
    end = data.find(b"\n")
    line = data[8:end]
    if end < 9 or b"%08x" % zlib.crc32(line) != data[:8]:
        return None
    with suppress(ValueError, TypeError, UnicodeDecodeError):
        head = json.loads(line)
        odd = head.pop("odd_ids")
        parts = head.pop("parts")
        if type(odd) is not bool or head != _header(rel, signature, settings):
            return None
        if type(parts) is not list or len(parts) != len(_WIDTHS):
            return None
        spans, start = [], end + 1
        for length, crc in parts:
            if type(length) is not int or type(crc) is not int or length < 0:
                return None
            spans.append((start, start + length, crc))
            start += length + 1
        return spans, odd
    return None


def _piece(data: bytes, span: tuple[int, int, int]) -> bytes | None:
    """The part at `span`, still encoded, if it is all there and sound."""
    start, end, crc = span
    piece = data[start:end]
    return piece if len(piece) == end - start and zlib.crc32(piece) == crc else None


def _read(
    path: Path, rel: str, signature: Signature, settings: Settings, part: int | None
) -> tuple[bytes, bool] | None:
    """(part `part` of the digest file at `path`, still encoded (b"" for None: the header
    alone), whether its shard holds an odd id) if the file is sound and current, else
    None; read only up to the end of that part."""
    try:
        with open(path, "rb") as file:
            data = file.read(_FIRST_READ)
            head = _head(data, rel, signature, settings)
            if head is None:
                return None
            spans, odd = head
            if part is None:
                return b"", odd
            if spans[part][1] > len(data):
                data += file.read(spans[part][1] - len(data))
    except OSError:
        return None
    piece = _piece(data, spans[part])
    return None if piece is None else (piece, odd)


def _pieces(
    data: bytes, rel: str, signature: Signature, settings: Settings
) -> tuple[list[bytes], bool] | None:
    """(every part, still encoded, whether an odd id) of a whole digest file if it is sound
    and current, else None."""
    head = _head(data, rel, signature, settings)
    if head is None:
        return None
    pieces = [_piece(data, span) for span in head[0]]
    return None if None in pieces else (cast(list[bytes], pieces), head[1])


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


def parse_part(
    data: bytes, rel: str, signature: Signature, settings: Settings, part: int = ROWS
) -> list[Any] | None:
    """One part (NAMES, KEYS or ROWS) of a digest file if it is sound and current, else None."""
    head = _head(data, rel, signature, settings)
    piece = _piece(data, head[0][part]) if head is not None else None
    return _decoded(piece, _WIDTHS[part]) if piece is not None else None


def parse(data: bytes, rel: str, signature: Signature, settings: Settings) -> list[Row] | None:
    """The rows of a digest file if it is sound and current, else None."""
    return parse_part(data, rel, signature, settings, ROWS)


def vouches_for(db: Database, rel: str, signature: Signature | None, settings: Settings) -> bool:
    """True when the digest of contact shard `rel` is sound and was built from the shard as
    it is now (`signature`): every record in it then passed `parse_record` when the digest
    was made, so a commit need not check them all again before rewriting the shard
    (300 contacts: ~25 ms of `netui log`)."""
    if signature is None:
        return False
    path = CacheFolder(db, "digest", SUFFIX).path(rel)
    return _read(path, rel, signature, settings, None) is not None


def holds(
    db: Database, rel: str, signature: Signature | None, settings: Settings, contact_id: str
) -> bool | None:
    """Whether contact shard `rel` holds `contact_id`, as its digest says when it is sound and
    built from the shard as it is now (`signature`), else None: `netui add` learns its new
    contact is not there yet without decoding the shard's 300 records (~2 ms)."""
    if signature is None:
        return None
    found = _read(CacheFolder(db, "digest", SUFFIX).path(rel), rel, signature, settings, NAMES)
    return None if found is None else _names_hold(found[0], [contact_id])


def _names_hold(names: bytes, ids: Iterable[str]) -> bool:
    """Whether the names part (still encoded) holds an entry of one of `ids`: `["id",` opens
    an entry only, since inside a string a `"` is escaped."""
    return any(f"[{_ENCODER.encode(i)},".encode() in names for i in ids)


def load_digest(db: Database, settings: Settings) -> list[Row]:
    """Every contact's row, shard by shard (unsorted), rebuilding the stale digest files.

    Read under the database's shared lock, so the rows match one consistent state."""
    return load_part(db, settings, ROWS)


def load_names(
    db: Database, settings: Settings, holding: Sequence[str] | None = None
) -> list[list[str]]:
    """Every contact's [id, folded name], as `load_digest` reads rows (what name look-ups
    need: ~4 ms at 10,000 contacts instead of ~15 ms for the rows); with `holding`, those of
    the shards where one of these texts is in an id or a folded name, at least: the others
    are skipped undecoded (decoding the 10,000 pairs was half of `netui log NAME`'s look-up)."""
    if holding is None:
        return load_part(db, settings, NAMES)
    # JSON spells a string a character at a time, so the spelling of a text in a name is in
    # the spelling of the name (ASCII, without the quotes); a false hit only costs a decode.
    spelled = [_ENCODER.encode(text)[1:-1].encode() for text in holding]
    return load_part(db, settings, NAMES, lambda _rel, part, _odd: any(t in part for t in spelled))


def load_keys(
    db: Database, settings: Settings, near: tuple[set[str], list[str]] | None = None
) -> list[list[Any]]:
    """Every contact's [id, look-up keys] (what `netui add`'s look-alike warning needs); with
    `near` (`identity.lookalike_query`: keys, UID texts), those of the shards that may hold
    a contact sharing one of the keys or whose id is inside one of the texts, at least: the
    others are skipped undecoded (decoding all 10,000 pairs and scanning them: ~9 ms)."""
    if near is None:
        return load_part(db, settings, KEYS)
    keys, texts = near
    encoded = [_ENCODER.encode(key).encode() for key in keys]
    # A contact whose id is inside a UID text: a netui id (32 hex digits) is one of the
    # text's 32-character windows, so its shard is known; any other id makes its shard read.
    windows = {t[i : i + 32] for t in texts for i in range(len(t) - 31)}
    homes = {contact_file(w) for w in windows if NETUI_ID.fullmatch(w)}

    def may_hold(rel: str, section: bytes, odd_ids: bool) -> bool:
        # `encode` writes every string one way (ASCII JSON), so a key a shard holds is in
        # its bytes as `_ENCODER` spells it; a false hit only costs decoding the shard.
        return rel in homes or odd_ids or any(k in section for k in encoded)

    return load_part(db, settings, KEYS, may_hold)


def load_part(
    db: Database,
    settings: Settings,
    part: int,
    wanted: Callable[[str, bytes, bool], bool] | None = None,
) -> list[Any]:
    """One part of every contact shard's digest, rebuilding the stale digest files; with
    `wanted`, only of the shards whose current part (still encoded, and whether the shard
    holds an odd id) it accepts, and of those rebuilt (a superset: the caller picks the
    rows it wants)."""
    folder = CacheFolder(db, "digest", SUFFIX, RETIRED)
    rows: list[Any] = []
    rebuilt: list[tuple[Path, bytes]] = []
    with db.shared():
        signatures = db.signatures({"contacts"})
        for rel, signature in signatures.items():
            path = folder.path(rel)
            found = _read(path, rel, signature, settings, part)
            section = None
            if found is not None:
                section, odd_ids = found
                if wanted is not None and not wanted(rel, section, odd_ids):
                    continue
            read = _decoded(section, _WIDTHS[part]) if section is not None else None
            if read is None:
                data, parts = build(db, rel, signature, settings)
                rebuilt.append((path, data))
                read = parts[part]
            rows += read
        folder.keep(rebuilt, set(signatures))
    return rows


def _appended(
    folder: CacheFolder,
    path: Path,
    rel: str,
    before: Signature,
    after: Signature,
    upserts: dict[str, dict[str, Any]],
    settings: Settings,
) -> bool:
    """`carry_over` for contacts new to the shard (`netui add`): their entries appended to
    each part still encoded, the bytes `encode` would write for the parts with them added
    (a JSON list is its items joined by ","), without decoding and re-encoding the shard's
    300 rows (carry-over 2.2 -> ~0.6 ms). False (nothing written) when the digest is not
    sound and current or holds one of the ids already: `carry_over` then decodes it."""
    if not upserts:
        return False
    try:
        data = path.read_bytes()
    except OSError:
        return False
    sound = _pieces(data, rel, before, settings)
    if sound is None or _names_hold(sound[0][NAMES], upserts):
        return False
    sections = sound[0]
    try:
        added = parts_of(map(Contact.from_dict, upserts.values()), settings)
    except (KeyError, ValueError, TypeError, AttributeError):
        return False
    parts = []
    for section, part in zip(sections, added, strict=True):
        if section[-1:] != b"]":
            return False
        more = _ENCODER.encode(part).encode()
        parts.append(section[:-1] + b"," + more[1:] if section != b"[]" else more)
    odd = sound[1] or _odd_ids(upserts)
    folder.write(path, _file(rel, after, settings, odd, parts))
    return True


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
    if (
        before is not None
        and not deletes
        and _appended(folder, path, rel, before, after, upserts, settings)
    ):
        return
    try:
        parts: list[list[Any] | None] = [[], [], []]
        if before is not None:
            data = path.read_bytes()
            parts = [parse_part(data, rel, before, settings, part) for part in range(3)]
        changed = upserts.keys() | deletes
        kept = [[r for r in part if r[ID] not in changed] for part in parts if part is not None]
        if len(kept) != len(parts):
            return
        added = parts_of(map(Contact.from_dict, upserts.values()), settings)
    except (OSError, KeyError, ValueError, TypeError, AttributeError):
        return
    joined = [a + b for a, b in zip(kept, added, strict=True)]
    folder.write(path, encode(rel, after, settings, joined))
