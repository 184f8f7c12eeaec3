"""The repository: every read and write of netui's data goes through a `Store`.

A database is a folder (see `storage.py` for the files). The store keeps the records in
memory, reloads what another process changed, and turns each change into one atomic,
durable, undoable transaction held under the folder's write lock.

Thread-safety: every public method takes an internal re-entrant lock, so a TUI worker
thread and the UI thread may share one store.
"""

from __future__ import annotations

import _thread  # the lock alone: `threading` is ~1 ms of every command's start-up
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from netui.core.config import Settings, load_settings
from netui.core.dates import today as local_today
from netui.core.db import diary_index, digest
from netui.core.db.schema import RecordProblem, parse_record
from netui.core.db.storage import (
    TABLE_OF_KIND,
    Database,
    Signature,
    Tables,
    appended,
    contact_file,
    conversation_file,
    kind_of,
    spliced,
    table_end,
)
from netui.core.errors import (
    AmbiguousContact,
    ContactNotFound,
    StorageError,
    UndoError,
    ValidationError,
)
from netui.core.folding import fold
from netui.core.identity import lookalike_ids, lookalike_query
from netui.core.model import (
    Channel,
    Contact,
    Conversation,
    Introduction,
    IntroStatus,
    IntroStep,
    Referral,
    Stage,
    StageStep,
    check_dates,
    clean_name,
    share_texts,
    utc_now,
)
from netui.core.rules import (
    NextAction,
    QueueItem,
    SortChoice,
    next_action,
    placed_on_ladder,
    queue,
    sort_out,
)
from netui.core.rules import keep_in_touch as rules_keep_in_touch

if TYPE_CHECKING:
    from netui.core.db.scrub import ScrubReport

__all__ = [
    "AmbiguousContact",
    "ContactNotFound",
    "StorageError",
    "Store",
    "UndoError",
    "fold",
]

UNDO_DEPTH = 50
Record = Contact | Conversation | Referral | Introduction  # what a data file holds
_COLD_FILES = 4  # data files a lazy store keeps as read: a write reads two or three
_FULL_ID = re.compile(r"[0-9a-f]{32}")


# The four classes below are not dataclasses: making one costs ~0.2-0.4 ms of start-up
# (`netui log` made all four, ~1.2 ms of it); a NamedTuple ~0.05 ms, a plain class less.


class Traces(NamedTuple):
    """A contact and what hangs on them: their diary, their referrals (either side), and
    the contacts they referred (whose `referred_by` points at them)."""

    contact: Contact
    conversations: list[Conversation]
    referrals: list[Referral]
    referred: list[Contact]
    introductions: list[Introduction]

    def describe(self) -> str:
        """What goes with the contact, in words, e.g. "3 conversations and 1 referral"."""
        parts = [
            _counted(len(self.conversations), "conversation", "conversations"),
            _counted(len(self.referrals), "referral", "referrals"),
            _counted(len(self.introductions), "introduction", "introductions"),
            _counted(len(self.referred), "link from a contact", "links from contacts"),
        ]
        said = [part for part in parts if part]
        if not said:
            return "no conversations or referrals"
        return ", ".join(said[:-1]) + (" and " if len(said) > 1 else "") + said[-1]


class Forgotten(NamedTuple):
    """What `forget` removed, and what it could not (files still holding them; git)."""

    traces: Traces
    scrub: ScrubReport
    leftovers: list[str]  # files that still hold one of their strings: should be none
    in_git: bool  # the folder is a git repository: its history still holds them


def _counted(n: int, one: str, many: str) -> str:
    return "" if n == 0 else f"{n} {one if n == 1 else many}"


class Change:
    """One record's before and after in a transaction (None = absent)."""

    __slots__ = ("after", "before", "id", "kind")

    def __init__(
        self, kind: str, id: str, before: dict[str, Any] | None, after: dict[str, Any] | None
    ) -> None:
        self.kind = kind  # "contact" | "conversation" | "referral" | "introduction"
        self.id = id
        self.before = before
        self.after = after


class Transaction:
    """What a write is about to change; filled by the mutation, committed by the store."""

    __slots__ = ("changes", "description", "undoable", "undoes")

    def __init__(self, description: str, *, undoable: bool = True, undoes: str | None = None):
        self.description = description
        self.changes: dict[tuple[str, str], Change] = {}
        self.undoable = undoable
        self.undoes = undoes  # the undo entry this transaction reverts


_TABLE = {
    "contact": "contacts",
    "conversation": "conversations",
    "referral": "referrals",
    "introduction": "introductions",
}
UNDO_FILE = "undo.json"
# A lazy store (the CLI) reads referrals and introductions when first asked for (queue,
# show, refer...): parsing them at every open was ~2 ms of `netui log` and `netui add` at
# 10,000 contacts. A full open (the TUI) reads them at once, as before.
_LOADED_AT_OPEN = {"undo"}
# The undo log is read at every open and rewritten at every change, so its size is every
# command's cost: 41 re-imports of a 5,000-row CSV once made it 183 MB and `netui add` 21 s.
# A change bigger than UNDO_ENTRY_BYTES (or UNDO_MAX_CHANGES records) is kept as a barrier
# (not undoable, says why); the oldest entries go first once the log passes UNDO_BUDGET_BYTES.
UNDO_MAX_CHANGES = 5000
UNDO_ENTRY_BYTES = 1 << 20
UNDO_BUDGET_BYTES = 4 << 20
# Ids kept in the log of changed contacts (`contacts_changed_since`) before it starts over:
# a few entries a key, one per contact when the contacts are read; 8 bytes an entry.
CHANGE_LOG_LIMIT = 200_000
_EDITABLE = {
    "name",
    "company",
    "title",
    "emails",
    "phones",
    "tags",
    "met_at",
    "met_on",
    "reach",
    "mention",
    "notes",
    "needs",
    "offers",
    "urls",
    "cadence_days",
    "follow_up_on",
    "referred_by",
    "conflicts",  # cleared by `netui resolve` once read
}


_MODEL_OF_KIND: dict[str, Any] = {
    "contacts": Contact,
    "conversations": Conversation,
    "referrals": Referral,
    "introductions": Introduction,
}


class Store:
    """In-memory records backed by a `Database` folder; every change is one transaction."""

    def __init__(self, db: Database, settings: Settings) -> None:
        self._db = db
        self.settings = settings
        self._lock = _thread.RLock()
        self._contact_map: dict[str, Contact] = {}
        self._conversations: dict[str, Conversation] = {}
        self._by_contact: dict[str, dict[str, Conversation]] = {}
        self._referral_map: dict[str, Referral] = {}
        self._introduction_map: dict[str, Introduction] = {}
        self._undo: dict[str, dict[str, Any]] = {}
        # The ids each file holds, as tuples: only ever walked whole, never asked about one
        # id, and a set of 100,000 ids over 114 files took 5.1 MiB, these 0.9.
        self._file_ids: dict[str, tuple[str, ...]] = {}
        self._sigs: dict[str, Any] = {}
        self._loaded_kinds: set[str] = set(_LOADED_AT_OPEN)
        self._sorted_cache: tuple[int, bool, list[Contact]] | None = None
        self._cold: dict[str, tuple[Any, Any]] = {}  # see _cold_file
        self._contact_log: list[str] = []  # see contacts_changed_since
        self._contact_log_start = 0  # the mark of the log's first entry
        self._text_pool: dict[str, str] = {}  # a load's short texts (model.share_texts)
        self.version = 0

    # -- opening and syncing -----------------------------------------------------------------

    @classmethod
    def open(
        cls,
        path: str | Path,
        *,
        settings: Settings | None = None,
        create: bool = True,
        lazy: bool = False,
    ) -> Store:
        """Open a database folder; `lazy` defers reading the contacts, referrals and
        introductions until first needed (a damaged file is then refused when first read).

        A one-shot command such as `netui add` never needs the other 10,000 contacts.
        """
        db = Database.open(Path(path), create=create)
        store = cls(db, settings or load_settings())
        try:
            with db.shared():
                store._sync(store._loaded_kinds)
            if not lazy:  # the TUI: a damaged file is refused before the first screen
                for kind in ("contacts", "referrals", "introductions"):
                    store._ensure(kind)
        except BaseException:
            db.close()
            raise
        return store

    @property
    def path(self) -> Path:
        return self._db.root

    @property
    def database(self) -> Database:
        return self._db

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def load_conversations(self) -> None:
        """Load the diary (kept lazy: most commands and the first screen don't need it)."""
        self._ensure("conversations")

    def load_conversations_in_slices(self) -> None:
        """Load the diary a month file at a time (see `diary_slices`)."""
        for _ in self.diary_slices():
            pass

    def diary_slices(self) -> Iterator[str]:
        """Load the diary a month file at a time, holding the store's lock for one file only,
        and say which file after each.

        Loading 100,000 entries in one go held the lock ~1 s (2.5 s on a busy machine), so a
        key pressed meanwhile waited for all of it; here a write waits for one file (~5 ms).
        A file written meanwhile is read again by the final `load_conversations`, which
        compares every file's signature with the one it was read at."""
        if self.conversations_loaded:
            return
        with self._db.shared():
            files = list(self._db.signatures({"conversations"}))
        for rel in files:
            with self._lock:
                if self.conversations_loaded:
                    return
                with self._db.shared():
                    sig = self._db.signature(rel)
                    if sig is not None and self._sigs.get(rel) != sig:
                        self._load_file(rel, sig)
            yield rel
        self.load_conversations()

    def _ensure(self, kind: str) -> None:
        if kind in self._loaded_kinds:
            return
        with self._lock:
            if kind in self._loaded_kinds:
                return
            with self._db.shared():
                # Said loaded only once every record is in: `get` from another thread reads
                # the one shard until then, instead of a half-filled map.
                self._sync({kind})
                self._loaded_kinds.add(kind)
            self.version += 1

    @property
    def _contacts(self) -> dict[str, Contact]:
        self._ensure("contacts")
        return self._contact_map

    @property
    def _referrals(self) -> dict[str, Referral]:
        self._ensure("referrals")
        return self._referral_map

    @property
    def _introductions(self) -> dict[str, Introduction]:
        self._ensure("introductions")
        return self._introduction_map

    @property
    def conversations_loaded(self) -> bool:
        return "conversations" in self._loaded_kinds

    @property
    def contacts_loaded(self) -> bool:
        """True once every contact is read (a lazy store reads single shards until then)."""
        return "contacts" in self._loaded_kinds

    def refresh(self) -> bool:
        """Pick up what another process wrote; True when anything changed."""
        with self._lock, self._db.shared():
            changed = self._sync(self._loaded_kinds)
        if changed:
            self.version += 1
        return changed

    def _sync(self, kinds: set[str]) -> bool:
        """Reload the files of these kinds whose signature changed since we read them."""
        current = self._db.signatures(kinds)
        stale = [rel for rel, sig in current.items() if self._sigs.get(rel) != sig]
        gone = [rel for rel in self._sigs if rel not in current and kind_of(rel) in kinds]
        for rel in gone:
            self._forget_file(rel)
        for rel in stale:
            self._load_file(rel, current[rel])
        self._text_pool = {}  # the load is done (`diary_slices` ends with one)
        if stale or gone:
            self._sorted_cache = None
        return bool(stale or gone)

    def _forget_file(self, rel: str) -> None:
        kind = kind_of(rel) or ""  # "": no data file (no table, no model)
        for record_id in self._file_ids.pop(rel, ()):
            self._drop_record(kind, record_id)
        self._sigs.pop(rel, None)

    def _load_file(self, rel: str, sig: Any) -> None:
        kind = kind_of(rel) or ""  # "": no data file (no table, no model)
        if kind == "meta":
            self._sigs[rel] = sig
            return
        docs = self._db.load(rel).get(TABLE_OF_KIND[kind], {})
        parsed = {record_id: self._parse(rel, doc, record_id) for record_id, doc in docs.items()}
        share_texts(parsed.values(), self._text_pool)
        for record_id in self._file_ids.pop(rel, ()):
            self._drop_record(kind, record_id)
        for record_id, record in parsed.items():
            self._keep_record(kind, record_id, record)
        self._file_ids[rel] = tuple(docs)
        self._sigs[rel] = sig

    def _parse(self, rel: str, doc: Any, record_id: str) -> Any:
        """A stored record as a model object; a bad one is refused naming its file."""
        try:
            return parse_record(rel, record_id, doc)
        except RecordProblem as exc:
            raise StorageError(
                f"{self._db.root / rel}: {exc}; the last good "
                f"version is {self._db.backup_path(rel)} (run `netui doctor`)"
            ) from None

    def _keep_record(self, kind: str, record_id: str, record: Any) -> None:
        """Index a parsed record (or, from a commit, its dict) in memory."""
        if isinstance(record, dict) and kind != "undo":
            record = _MODEL_OF_KIND[kind].from_dict(record)
        if getattr(record, "id", None) == record_id:
            record.id = record_id  # one string for the map's key and the record: 8 MiB at 100k
        if kind == "contacts":
            self._contact_map[record_id] = record
            self._log_contact(record_id)
        elif kind == "conversations":
            self._conversations[record_id] = record
            self._by_contact.setdefault(record.contact_id, {})[record_id] = record
        elif kind == "referrals":
            self._referral_map[record_id] = record
        elif kind == "introductions":
            self._introduction_map[record_id] = record
        elif kind == "undo":
            self._undo[record_id] = record

    def _drop_record(self, kind: str | None, record_id: str) -> None:
        if kind == "contacts":
            self._contact_map.pop(record_id, None)
            self._log_contact(record_id)
        elif kind == "conversations":
            conv = self._conversations.pop(record_id, None)
            if conv is not None:
                self._by_contact.get(conv.contact_id, {}).pop(record_id, None)
        elif kind == "referrals":
            self._referral_map.pop(record_id, None)
        elif kind == "introductions":
            self._introduction_map.pop(record_id, None)
        elif kind == "undo":
            self._undo.pop(record_id, None)

    def _log_contact(self, record_id: str) -> None:
        log = self._contact_log
        if len(log) >= CHANGE_LOG_LIMIT:  # whoever asks about older marks compares all
            self._contact_log_start += len(log)
            log.clear()
        log.append(record_id)

    def contacts_changed_since(self, mark: int | None) -> tuple[set[str] | None, int]:
        """The ids of the contacts whose record was read, replaced or removed (by this
        process or, through a reload, another) since `mark`, and the mark to pass next time.
        None instead of the ids when they are not known (`mark` None, or too old): the
        caller compares every record.

        Why: the TUI compared 10,000 records by identity after each key to find the one a
        stage key changed (~2.5 ms of a key that may take 20 ms)."""
        with self._lock:
            end = self._contact_log_start + len(self._contact_log)
            if mark is None or mark < self._contact_log_start or mark > end:
                return None, end
            return set(self._contact_log[mark - self._contact_log_start :]), end

    # -- reads -------------------------------------------------------------------------------

    @property
    def contacts_by_id(self) -> dict[str, Contact]:
        """Every contact, archived ones included (do not mutate)."""
        return self._contacts

    def contacts(self, *, include_archived: bool = False) -> list[Contact]:
        """Contacts sorted by name (folded), archived ones only when asked."""
        with self._lock:
            cache = self._sorted_cache
            if cache is None or cache[0] != self.version:
                everyone = sorted(self._contacts.values(), key=lambda c: (fold(c.name), c.id))
                cache = self._sorted_cache = (self.version, True, everyone)
            if include_archived:
                return list(cache[2])
            return [c for c in cache[2] if not c.archived]

    def _cold_file(self, rel: str) -> Any:
        """A data file read whole while its kind is not loaded, kept while its signature
        stays: `netui log` read the contact's shard three times (find, stage, commit).
        Never changed in place (a commit changes copies of its tables)."""
        signature = self._db.signature(rel)
        kept = self._cold.get(rel)
        if kept is not None and kept[0] == signature and signature is not None:
            return kept[1]
        tables = self._db.load(rel)
        self._cold[rel] = (signature, tables)
        while len(self._cold) > _COLD_FILES:
            del self._cold[next(iter(self._cold))]  # the oldest read goes
        return tables

    def contacts_among(self, ids: Iterable[str]) -> dict[str, Contact]:
        """These contacts by id (the missing left out): a lazy store reads their shards only
        (a card names a referrer or two; it need not read the other 10,000)."""
        if "contacts" in self._loaded_kinds:
            return {i: self._contact_map[i] for i in ids if i in self._contact_map}
        found = {}
        for contact_id in ids:
            with suppress(ContactNotFound):
                found[contact_id] = self.get(contact_id)
        return found

    def get(self, contact_id: str) -> Contact:
        """A contact by id; a lazy store reads just its shard instead of every contact."""
        if "contacts" in self._loaded_kinds:
            found = self._contact_map.get(contact_id)
        else:
            rel = contact_file(contact_id)
            doc = self._cold_file(rel).get("contacts", {}).get(contact_id)
            found = self._parse(rel, doc, contact_id) if doc is not None else None
        if found is None:
            raise ContactNotFound(f"no contact with id {contact_id!r}")
        return found

    def find(self, ref: str) -> Contact:
        """A contact by id, exact name, or a unique part of a name (case/accent-blind)."""
        with self._lock:
            ref = ref.strip()
            if not ref:
                raise ValidationError("name a contact (an id, a name or part of one)")
            if _FULL_ID.fullmatch(ref):
                with suppress(ContactNotFound):
                    return self.get(ref)
            key = fold(" ".join(ref.split()))
            names = self._folded_names([key, ref] if len(ref) >= 6 else [key])
            # Each pass only when the one before found nobody (a pass over 10,000 names is
            # ~0.5 ms): an id prefix, then the exact name, then a part of a name.
            for ids in (
                lambda: [cid for cid, _ in names if cid.startswith(ref)] if len(ref) >= 6 else [],
                lambda: [cid for cid, name in names if name == key],
                lambda: [cid for cid, name in names if key in name],
            ):
                found = ids()
                if len(found) == 1:
                    return self.get(found[0])
                if found:
                    matches = sorted(map(self.get, found), key=lambda c: (fold(c.name), c.id))
                    raise AmbiguousContact(ref, matches)
            raise ContactNotFound(f"no contact matches {ref!r}")

    def _folded_names(self, holding: Sequence[str]) -> Sequence[Sequence[str]]:
        """[id, folded name] of every contact, or at least of all those whose id or folded
        name holds one of the texts in `holding`; a lazy store reads them from the digest."""
        if "contacts" in self._loaded_kinds:
            return [(c.id, fold(c.name)) for c in self._contact_map.values()]
        with self._lock:
            return digest.load_names(self._db, self.settings, holding)

    def digest_rows(self) -> list[digest.Row]:
        """Every contact's digest row, unsorted (see `digest.py`): from memory once the
        contacts are loaded, else from the digest files without building a record."""
        with self._lock:
            if "contacts" in self._loaded_kinds:
                return digest.rows_of(self._contact_map.values(), self.settings)
            return digest.load_digest(self._db, self.settings)

    def lookalike_pool(self, candidate: Contact) -> list[Contact]:
        """The contacts `identity.lookalikes` may name for `candidate`: all of them once loaded,
        else the few the digest's look-up keys point at (`identity.lookalike_ids`), read
        shard by shard: `netui add` at 10,000 contacts read every record for it (~0.5 s)."""
        with self._lock:
            if "contacts" in self._loaded_kinds:
                return list(self._contact_map.values())
            keyed = digest.load_keys(self._db, self.settings, lookalike_query(candidate))
            return [self.get(cid) for cid in sorted(lookalike_ids(candidate, keyed))]

    def conversations_of(self, contact_id: str) -> list[Conversation]:
        """A contact's diary, newest first.

        A store without the diary loaded (`netui show`) reads only the month files holding
        the contact's entries (`diary_index.py`): loading all 100,000 entries took ~1.5 s."""
        with self._lock:
            if self.conversations_loaded:
                convs = list(self._by_contact.get(contact_id, {}).values())
            else:
                convs = diary_index.entries_of(self._db, contact_id, self._parse_month)
        convs.sort(key=lambda c: (c.on, c.created), reverse=True)
        return convs

    def _parse_month(self, rel: str, raw: bytes, only: str | None) -> dict[str, Conversation]:
        """The entries of a month file's bytes, each checked by `_parse`; `only`: just that
        contact's (the file is known sound: `diary_index` vouches for it)."""
        docs = self._db.decode(rel, raw).get("conversations", {})
        return {
            record_id: self._parse(rel, doc, record_id)
            for record_id, doc in docs.items()
            if only is None or doc.get("contact_id") == only
        }

    def all_conversations(self) -> list[Conversation]:
        self.load_conversations()
        with self._lock:
            return list(self._conversations.values())

    def conversation(self, conversation_id: str) -> Conversation:
        self.load_conversations()
        try:
            return self._conversations[conversation_id]
        except KeyError:
            raise ValidationError(f"no conversation with id {conversation_id!r}") from None

    def referrals(self) -> list[Referral]:
        with self._lock:
            return sorted(self._referrals.values(), key=lambda r: (r.on, r.created))

    def referrals_of(self, contact_id: str) -> list[Referral]:
        """Referrals where the contact is the referrer or the one referred."""
        return [r for r in self.referrals() if contact_id in (r.referrer_id, r.referred_id)]

    def referral(self, referral_id: str) -> Referral:
        try:
            return self._referrals[referral_id]
        except KeyError:
            raise ValidationError(f"no referral with id {referral_id!r}") from None

    def introductions(self) -> list[Introduction]:
        with self._lock:
            return sorted(self._introductions.values(), key=lambda i: (i.on, i.created))

    def introductions_of(self, contact_id: str) -> list[Introduction]:
        """Introductions this contact is part of, either side, oldest first."""
        return [i for i in self.introductions() if contact_id in (i.a_id, i.b_id)]

    def introduction(self, introduction_id: str) -> Introduction:
        with self._lock:
            try:
                return self._introductions[introduction_id]
            except KeyError:
                raise ValidationError(f"no introduction with id {introduction_id!r}") from None

    def next_action(self, contact: Contact, today: date | None = None) -> NextAction | None:
        return next_action(contact, self.settings, today)

    def queue(self, on: date, *, horizon_days: int = 0) -> list[QueueItem]:
        with self._lock:
            return queue(
                self._contacts,
                self.settings,
                on,
                referrals=self._referrals.values(),
                introductions=self._introductions.values(),
                horizon_days=horizon_days,
            )

    def queue_brief(self, on: date, *, horizon_days: int = 0) -> list[QueueItem[Any]]:
        """The queue as `queue` gives it, for printing: its contacts are `digest.Brief`s read
        from the digest while no contact is loaded (`netui queue`), else the records."""
        with self._lock:
            if "contacts" in self._loaded_kinds:
                return list(self.queue(on, horizon_days=horizon_days))
            return list(
                digest.queue(
                    digest.load_digest(self._db, self.settings),
                    self.settings,
                    on,
                    referrals=self._referrals.values(),
                    introductions=self._introductions.values(),
                    horizon_days=horizon_days,
                )
            )

    # -- transactions ------------------------------------------------------------------------

    @contextmanager
    def _transaction(self, description: str, *, undoable: bool = True) -> Iterator[Transaction]:
        """Lock, catch up with other processes, let the caller stage changes, commit."""
        with self._lock, self._db.exclusive():
            self._sync(self._loaded_kinds)
            tx = Transaction(description, undoable=undoable)
            try:
                yield tx
                if tx.changes:
                    self._commit(tx)
            finally:
                self._cold.clear()  # kept for one command's reads, not a TUI's lifetime

    def _current(self, kind: str, record_id: str) -> dict[str, Any] | None:
        record = self._records_of(kind).get(record_id)
        return record.to_dict() if record is not None else None

    def _records_of(self, kind: str) -> Mapping[str, Record]:
        """The records of one kind, loaded if need be (only that kind: each loads lazily)."""
        if kind == "contact":
            return self._contacts
        if kind == "conversation":
            self.load_conversations()
            return self._conversations
        return self._referrals if kind == "referral" else self._introductions

    def _stage(self, tx: Transaction, kind: str, record_id: str, after: Any) -> None:
        """Record a record's new state (a model object, a dict, or None to delete)."""
        if after is not None and not isinstance(after, dict):
            check_dates(after)
            after = after.to_dict()
        key = (kind, record_id)
        if key not in tx.changes:
            tx.changes[key] = Change(kind, record_id, self._before(kind, record_id, after), None)
        tx.changes[key].after = after

    def _before(self, kind: str, record_id: str, after: dict[str, Any] | None) -> Any:
        if _TABLE[kind] not in self._loaded_kinds and after is not None:
            # A cold store (add, log): read the one file instead of loading every record.
            rel = self._file_of(kind, after) or ""  # never "": `after` is a record
            if kind == "contact" and self._shard_holds(rel, record_id) is False:
                return None  # a new contact (`netui add`): its shard is not decoded
            if kind == "conversation" and self._month_holds(rel, record_id) is False:
                return None  # a new entry (`netui log`): its month is not decoded
            return self._cold_file(rel).get(_TABLE[kind], {}).get(record_id)
        return self._current(kind, record_id)

    def _shard_holds(self, rel: str, contact_id: str) -> bool | None:
        """Whether contact shard `rel` holds `contact_id`, as its digest says (None: the
        digest cannot tell: stale, damaged or missing)."""
        return digest.holds(self._db, rel, self._db.signature(rel), self.settings, contact_id)

    def _month_holds(self, rel: str, entry_id: str) -> bool | None:
        """Whether diary month `rel` holds entry `entry_id`, as its index says (None: the
        index cannot tell)."""
        return diary_index.holds_entry(self._db, rel, self._db.signature(rel), entry_id)

    def _grown(
        self,
        rel: str,
        kind: str,
        upserts: dict[str, dict[str, Any]],
        deletes: set[str],
        new: set[str],
        months: dict[str, tuple[set[str], set[str]]],
    ) -> Callable[[], bytes] | None:
        """File `rel` with records new to it appended to its bytes, when a cold store only
        adds records (`netui add`, `netui log`) to a contact shard its digest vouches for,
        or to a diary month its index vouches for (every record checked at this signature):
        its records are neither decoded nor re-encoded (`storage.appended`: a shard's 300
        contacts ~5 ms, a month of 3,149 entries ~25 ms); None otherwise (rewritten whole)."""
        if deletes or not upserts.keys() <= new:
            return None
        signature = self._db.signature(rel)
        if not self._vouched(rel, kind, signature, months):
            return None
        raw = self._db.read_bytes(rel)
        if raw is None or self._db.signature(rel) != signature:
            return None
        end = table_end(raw)
        if end is None:
            return None
        return lambda: appended(raw, end, upserts)

    def _vouched(
        self,
        rel: str,
        kind: str,
        signature: Signature | None,
        months: dict[str, tuple[set[str], set[str]]],
    ) -> bool:
        """Whether a cache built from file `rel` as it is at `signature` vouches for every
        record it holds (a shard's digest, a month's index); for a month, `months` gets
        the (contacts, entry ids) the index names."""
        if kind == "contacts":
            return digest.vouches_for(self._db, rel, signature, self.settings)
        if kind == "conversations":
            known = diary_index.checked(self._db, rel, signature)
            if known is not None:
                months[rel] = known
                return True
        return False

    def _check_cold(
        self,
        rel: str,
        kind: str,
        current: Tables,
        upserts: dict[str, dict[str, Any]],
        deletes: set[str],
        months: dict[str, tuple[set[str], set[str]]],
    ) -> None:
        """Never rewrite (and so rotate into the backup) a file we have not checked: every
        record a commit keeps in a file of a kind not loaded is parsed, unless a cache built
        from the file as it is now vouches for them (a shard's digest, a month's index).
        For a month, `months` gets (its contacts, its entry ids), for its index after."""
        if self._vouched(rel, kind, self._db.signature(rel), months):
            return
        kept = {
            record_id: self._parse(rel, doc, record_id)
            for record_id, doc in current.get(TABLE_OF_KIND[kind], {}).items()
            if record_id not in upserts and record_id not in deletes
        }
        if kind == "conversations":
            months[rel] = ({conv.contact_id for conv in kept.values()}, set(kept))

    def _commit(self, tx: Transaction) -> None:
        groups: dict[str, tuple[dict[str, dict[str, Any]], set[str]]] = {}

        def group(rel: str) -> tuple[dict[str, dict[str, Any]], set[str]]:
            return groups.setdefault(rel, ({}, set()))

        replaced: dict[str, dict[str, Any]] = {}  # per file: records it holds, as they were
        for change in tx.changes.values():
            if change.before == change.after:
                continue
            old_rel = self._file_of(change.kind, change.before)
            new_rel = self._file_of(change.kind, change.after)
            if old_rel and old_rel != new_rel:
                group(old_rel)[1].add(change.id)
            if new_rel and change.after is not None:
                group(new_rel)[0][change.id] = change.after
                if old_rel == new_rel:
                    replaced.setdefault(new_rel, {})[change.id] = change.before
        if not groups and tx.undoes is None:
            return
        files: dict[str, Any] = {}
        # (contacts, entry ids) of each cold month file written, all checked: for its index.
        months: dict[str, tuple[set[str], set[str]]] = {}
        created: dict[str, set[str]] = {}  # the ids of records new to the store, by table
        for change in tx.changes.values():
            if change.before is None:
                created.setdefault(_TABLE[change.kind], set()).add(change.id)
        for rel, (upserts, deletes) in groups.items():
            kind = kind_of(rel) or ""  # "": no data file (no table, no model)
            if kind in ("contacts", "conversations") and kind not in self._loaded_kinds:
                new = created.get(kind, set())
                grown = self._grown(rel, kind, upserts, deletes, new, months)
                if grown is not None:
                    files[rel] = grown
                    continue
            if (
                kind in self._loaded_kinds
                and not deletes
                and replaced.get(rel, {}).keys() == upserts.keys()
            ):
                # Records already in the file, as this store read and checked it (the same
                # signature): only their bytes change.
                raw = (
                    self._db.read_bytes(rel)
                    if self._sigs.get(rel) == self._db.signature(rel)
                    else None
                )
                payload = spliced(raw, TABLE_OF_KIND[kind], replaced[rel], upserts) if raw else None
                if payload is not None:
                    files[rel] = payload
                    continue
            current = self._cold_file(rel) if kind not in self._loaded_kinds else self._db.load(rel)
            # A copy of each table to change: the read stays as it was on disk.
            current = {name: dict(table) for name, table in current.items()}
            if kind not in self._loaded_kinds:
                self._check_cold(rel, kind, current, upserts, deletes, months)
            from netui.core.db.tables import apply_to_tables  # TinyDB, once a file is rewritten

            files[rel] = apply_to_tables(current, TABLE_OF_KIND[kind], upserts, deletes)
        files[UNDO_FILE] = self._undo_tables_with(tx)
        shards = [rel for rel in groups if kind_of(rel) == "contacts"]
        before = {rel: self._db.signature(rel) for rel in shards}
        self._db.commit(files)
        for rel, (contact_ids, entry_ids) in months.items():
            upserts, deletes = groups[rel]
            written = {doc["contact_id"] for doc in upserts.values()}
            kept = (contact_ids | written, (entry_ids - deletes) | upserts.keys())
            diary_index.keep_after_commit(self._db, rel, self._db.signature(rel), kept)
        for rel in shards:
            upserts, deletes = groups[rel]
            signatures = (before[rel], self._db.signature(rel))
            digest.carry_over(self._db, rel, signatures, upserts, deletes, self.settings)
        # Durable on disk: now mirror it in memory.
        for change in tx.changes.values():
            kind = _TABLE[change.kind]
            if kind not in self._loaded_kinds:
                continue
            self._drop_record(kind, change.id)
            if change.after is not None:
                self._keep_record(kind, change.id, change.after)
        for rel in files:
            kind = kind_of(rel) or ""  # "": no data file (no table, no model)
            if kind not in self._loaded_kinds:
                continue  # its signature stays unknown, so a later load reads it
            if kind == "undo":
                self._undo = dict(files[rel]["undo"])
                self._file_ids[rel] = tuple(self._undo)
            else:
                upserts, deletes = groups[rel]
                ids = dict.fromkeys(self._file_ids.get(rel, ()))
                ids.update(dict.fromkeys(upserts))
                for record_id in deletes:
                    ids.pop(record_id, None)
                self._file_ids[rel] = tuple(ids)
            self._sigs[rel] = self._db.signature(rel)
        self._sorted_cache = None
        self.version += 1

    @staticmethod
    def _file_of(kind: str, record: dict[str, Any] | None) -> str | None:
        if record is None:
            return None
        if kind == "contact":
            return contact_file(record["id"])
        if kind == "conversation":
            return conversation_file(date.fromisoformat(record["on"]))
        return f"{_TABLE[kind]}.json"

    def _undo_tables_with(self, tx: Transaction) -> dict[str, Any]:
        # The log as read (and checked) by the `_sync` this transaction began with, under
        # the same lock: decoding the file again took ~0.5 ms a write once it held 50 entries.
        entries = dict(self._undo)
        if tx.undoes is not None:
            entries.pop(tx.undoes, None)  # an undo pops its entry; there is no redo
            return {"undo": entries}
        seq = f"{int(max(entries, default='0')) + 1:09d}"
        entry, size = _undo_entry(tx)
        entries[seq] = entry
        for old in sorted(entries)[:-UNDO_DEPTH]:
            del entries[old]
        if self._db.size(UNDO_FILE) + size > UNDO_BUDGET_BYTES:
            _trim_to_budget(entries)
        return {"undo": entries}

    # -- undo --------------------------------------------------------------------------------

    @property
    def undo_description(self) -> str | None:
        """What `undo` would undo, or None."""
        with self._lock:
            if not self._undo:
                return None
            entry = self._undo[max(self._undo)]
            return None if entry.get("barrier") else entry["description"]

    @property
    def undo_refusal(self) -> str | None:
        """Why the newest change was not kept for undo (too large), or None."""
        with self._lock:
            entry = self._undo[max(self._undo)] if self._undo else {}
            reason = entry.get("reason") if entry.get("barrier") else None
            return reason if isinstance(reason, str) else None

    def undo(self) -> str:
        """Undo the newest change, unless its records changed since (then refuse)."""
        with self._lock, self._db.exclusive():
            self._sync(self._loaded_kinds)
            if not self._undo:
                raise UndoError("nothing to undo")
            seq = max(self._undo)
            entry = self._undo[seq]
            if entry.get("barrier"):
                why = entry.get("reason")
                because = f": {why}" if isinstance(why, str) else ""
                raise UndoError(f"{entry['description']!r} cannot be undone{because}")
            for change in entry["changes"]:
                if self._current(change["kind"], change["id"]) != change["after"]:
                    raise UndoError(
                        f"cannot undo {entry['description']!r}: the records changed since"
                    )
            tx = Transaction(f"Undo {entry['description']}", undoes=seq)
            for change in entry["changes"]:
                self._stage(tx, change["kind"], change["id"], change["before"])
            self._commit(tx)
            return str(entry["description"])

    # -- writes ------------------------------------------------------------------------------

    def _touch(self, contact: Contact) -> Contact:
        contact.updated = utc_now()
        return contact

    def _copy(self, contact_id: str) -> Contact:
        """A private copy to change: records in memory are only replaced after a commit.

        Writes call it after catching up with other processes, so a contact missing here was
        merged away or deleted elsewhere while a form was open: say so, not "no id"."""
        try:
            found = self.get(contact_id)
        except ContactNotFound:
            raise ContactNotFound(
                f"this contact ({contact_id[:8]}) is gone: another netui merged it into someone "
                "else or removed it; nothing was saved"
            ) from None
        return Contact.from_dict(found.to_dict())

    def add_contact(self, contact: Contact, *, first_note: Conversation | None = None) -> Contact:
        """A new contact at its stage (met by default), met today unless said otherwise."""
        today = local_today()
        contact = Contact.from_dict(contact.to_dict())
        if contact.met_on is None:
            contact.met_on = today
        if not contact.stage_history:
            contact.stage_history = [StageStep(contact.stage, contact.met_on)]
        with self._transaction(f"Add {contact.name}") as tx:
            if contact.referred_by:
                self.get(contact.referred_by)
            if first_note is not None:
                first_note = first_note.replace(contact_id=contact.id)
                contact.last_contact_on = max(
                    filter(None, (contact.last_contact_on, first_note.on))
                )
                self._stage(tx, "conversation", first_note.id, first_note)
            self._stage(tx, "contact", contact.id, contact)
            if tx.changes[("contact", contact.id)].before is not None:
                raise ValidationError(f"a contact with id {contact.id!r} exists already")
        return self._contact_map.get(contact.id, contact)

    def update_contact(self, contact_id: str, **changes: Any) -> Contact:
        """Edit contact fields (not the stage: use set_stage, which keeps the history)."""
        unknown = set(changes) - _EDITABLE
        if unknown:
            raise ValidationError(f"cannot edit {', '.join(sorted(unknown))}")
        with self._transaction("Edit contact") as tx:
            contact = self._copy(contact_id)
            tx.description = f"Edit {contact.name}"
            data = contact.to_dict()
            data.update(changes)
            if "name" in changes:
                data["name"] = clean_name(changes["name"])
            referrer = data.get("referred_by")
            if referrer and (referrer == contact_id or referrer not in self._contacts):
                raise ValidationError("referred by must be another existing contact")
            updated = Contact.from_dict(data)
            self._stage(tx, "contact", contact_id, self._touch(updated))
        return self.get(contact_id)

    def set_stage(self, contact_id: str, stage: Stage, on: date | None = None) -> Contact:
        """Move a contact to any stage (skipping is allowed); the step is dated and kept."""
        stage = Stage(stage)
        on = on or local_today()
        with self._transaction("Stage") as tx:
            contact = self._copy(contact_id)
            tx.description = f"{contact.name}: {contact.stage.label} → {stage.label}"
            if not _place(contact, stage, on):
                return self.get(contact_id)
            self._stage(tx, "contact", contact_id, self._touch(contact))
        return self.get(contact_id)

    def step_and_log(
        self,
        contact_id: str,
        stage: Stage | None,
        conversation: Conversation,
        *,
        needs: list[str] | None = None,
        offers: list[str] | None = None,
    ) -> Contact:
        """A step done and what was said, as one change (one undo): the call and its notes.

        `stage` None logs a keep-in-touch conversation; `needs`/`offers` replace the
        contact's lists when given (the form shows them to be edited)."""
        if conversation.contact_id != contact_id:
            raise ValidationError("the conversation belongs to another contact")
        with self._transaction("Step") as tx:
            contact = self._copy(contact_id)
            if stage is not None and _place(contact, Stage(stage), conversation.on):
                tx.description = f"{contact.name}: {Stage(stage).label}, with notes"
            else:
                tx.description = f"Log {conversation.channel.label} with {contact.name}"
            _heard(contact, conversation)
            if needs is not None:
                contact.needs = list(needs)
            if offers is not None:
                contact.offers = list(offers)
            self._stage(tx, "conversation", conversation.id, conversation)
            self._stage(tx, "contact", contact.id, self._touch(contact))
        return self.get(contact_id)

    def step_stage(self, contact_id: str, delta: int, on: date | None = None) -> Contact:
        """One rung up (+1) or down (-1) the ladder."""
        contact = self.get(contact_id)
        target = contact.stage.next() if delta > 0 else contact.stage.previous()
        if target is None:
            where = "last" if delta > 0 else "first"
            raise ValidationError(f"{contact.name} is already at the {where} stage")
        return self.set_stage(contact_id, target, on)

    def set_stage_date(self, contact_id: str, stage: Stage, on: date) -> Contact:
        """Correct the day a stage was reached (its latest step)."""
        with self._transaction("Stage date") as tx:
            contact = self._copy(contact_id)
            tx.description = f"{contact.name}: {Stage(stage).label} on {on.isoformat()}"
            for i in range(len(contact.stage_history) - 1, -1, -1):
                if contact.stage_history[i].stage is Stage(stage):
                    contact.stage_history[i] = StageStep(Stage(stage), on)
                    break
            else:
                raise ValidationError(f"{contact.name} never reached {Stage(stage).label}")
            self._stage(tx, "contact", contact_id, self._touch(contact))
        return self.get(contact_id)

    def log(self, conversation: Conversation) -> Conversation:
        """Add a diary entry; it restarts the keep-in-touch clock and ends any snooze."""
        with self._transaction("Log") as tx:
            contact = self._copy(conversation.contact_id)
            tx.description = f"Log {conversation.channel.label} with {contact.name}"
            _heard(contact, conversation)
            self._stage(tx, "conversation", conversation.id, conversation)
            self._stage(tx, "contact", contact.id, self._touch(contact))
        return conversation

    def update_conversation(self, conversation_id: str, **changes: Any) -> Conversation:
        self.load_conversations()
        with self._transaction("Edit conversation") as tx:
            data = self.conversation(conversation_id).to_dict()
            if {"id", "contact_id", "created"} & set(changes):
                raise ValidationError("cannot change a conversation's id or contact")
            data.update(
                {k: (v.isoformat() if isinstance(v, date) else v) for k, v in changes.items()}
            )
            conv = Conversation.from_dict(data)
            self._stage(tx, "conversation", conv.id, conv)
            self._restage_last_contact(tx, conv.contact_id, {conv.id: conv})
        return self._conversations[conversation_id]

    def delete_conversation(self, conversation_id: str) -> None:
        self.load_conversations()
        with self._transaction("Delete conversation") as tx:
            conv = self.conversation(conversation_id)
            self._stage(tx, "conversation", conv.id, None)
            self._restage_last_contact(tx, conv.contact_id, {conv.id: None})

    def _restage_last_contact(
        self, tx: Transaction, contact_id: str, overrides: dict[str, Conversation | None]
    ) -> None:
        convs = {**self._by_contact.get(contact_id, {}), **overrides}
        dates = [c.on for c in convs.values() if c is not None]
        contact = self._copy(contact_id)
        contact.last_contact_on = max(dates) if dates else None
        self._stage(tx, "contact", contact_id, self._touch(contact))

    def archive(self, contact_id: str, archived: bool = True) -> Contact:
        """A dud leaves the queue; its history stays and it can come back."""
        with self._transaction("Archive") as tx:
            contact = self._copy(contact_id)
            tx.description = f"{'Archive' if archived else 'Bring back'} {contact.name}"
            contact.archived = archived
            self._stage(tx, "contact", contact_id, self._touch(contact))
        return self.get(contact_id)

    def snooze(self, contact_id: str, until: date | None) -> Contact:
        """Set (or clear, with None) an explicit follow-up date."""
        with self._transaction("Snooze") as tx:
            contact = self._copy(contact_id)
            when = until.isoformat() if until else "the rule's date"
            tx.description = f"Snooze {contact.name} to {when}"
            contact.follow_up_on = until
            self._stage(tx, "contact", contact_id, self._touch(contact))
        return self.get(contact_id)

    def sort_out(self, contact_ids: Iterable[str], choice: SortChoice, on: date) -> int:
        """Take unsorted contacts out of the inbox (one undoable change for the group)."""
        choice = SortChoice(choice)
        return self._change_each(
            contact_ids, f"Sort as {choice.label}", lambda c: sort_out(c, choice, on)
        )

    def keep_in_touch(self, contact_ids: Iterable[str], on: date) -> int:
        """Keep these contacts in touch off the ladder from `on` (one undoable change)."""
        return self._change_each(contact_ids, "Keep in touch", lambda c: rules_keep_in_touch(c, on))

    def snooze_all(self, contact_ids: Iterable[str], until: date) -> int:
        """Set one follow-up date for many contacts (one undoable change)."""
        return self._change_each(
            contact_ids, f"Snooze to {until.isoformat()}", lambda c: c.replace(follow_up_on=until)
        )

    def archive_all(self, contact_ids: Iterable[str]) -> int:
        """Archive many contacts as duds (one undoable change)."""
        return self._change_each(contact_ids, "Archive", lambda c: c.replace(archived=True))

    def _change_each(
        self, contact_ids: Iterable[str], what: str, change: Callable[[Contact], Contact]
    ) -> int:
        """Apply `change` to a copy of each contact in one transaction; how many changed.

        The description names the one contact, or counts the group ("Archive 12 contacts").
        Past UNDO_MAX_CHANGES records the change lands but is not kept for undo.
        """
        ids = list(dict.fromkeys(contact_ids))
        with self._transaction(what) as tx:
            for contact_id in ids:
                after = change(self._copy(contact_id))
                self._stage(tx, "contact", contact_id, self._touch(after))
            if len(ids) == 1:
                tx.description = f"{what}: {self.get(ids[0]).name}"
            else:
                tx.description = f"{what}: {len(ids)} contacts"
        return len(ids)

    def add_referral(self, referral: Referral) -> Referral:
        """Record who recommended whom; the referred contact gets `referred_by` if unset."""
        with self._transaction("Referral") as tx:
            referrer = self.get(referral.referrer_id)
            referred = self._copy(referral.referred_id)
            if referrer.id == referred.id:
                raise ValidationError("a contact cannot refer themselves")
            tx.description = f"{referrer.name} referred {referred.name}"
            if not referred.referred_by:
                referred.referred_by = referrer.id
                self._stage(tx, "contact", referred.id, self._touch(referred))
            self._stage(tx, "referral", referral.id, referral)
        return self._referrals[referral.id]

    def update_referral(self, referral_id: str, **changes: Any) -> Referral:
        with self._transaction("Edit referral") as tx:
            data = self.referral(referral_id).to_dict()
            if {"id", "referrer_id", "referred_id"} & set(changes):
                raise ValidationError("cannot change who a referral is between")
            data.update(
                {k: (v.isoformat() if isinstance(v, date) else v) for k, v in changes.items()}
            )
            self._stage(tx, "referral", referral_id, Referral.from_dict(data))
        return self._referrals[referral_id]

    def introduce(
        self,
        a_id: str,
        b_id: str,
        on: date,
        status: IntroStatus = IntroStatus.ASKED,
        note: str = "",
        letter: str = "",
    ) -> Introduction:
        """Record an introduction between two contacts, or move the open one between them
        to `status`; each step is a dated entry in both diaries (with the `letter` sent, as
        a copy of the correspondence). One change, one undo."""
        if a_id == b_id:
            raise ValidationError("an introduction needs two different contacts")
        status = IntroStatus(status)
        with self._transaction("Introduction") as tx:
            a, b = self.get(a_id), self.get(b_id)
            pair = {a_id, b_id}
            current = [i for i in self._introductions.values() if {i.a_id, i.b_id} == pair]
            intro = (
                Introduction.from_dict(current[-1].to_dict())
                if current and current[-1].status is not IntroStatus.DECLINED
                else Introduction(a_id, b_id, on)
            )
            if intro.history and intro.status is status and not note and not letter:
                return intro
            intro.status = status
            intro.history.append(IntroStep(status, on))
            intro.note = note.strip() or intro.note
            tx.description = f"Introduction of {a.name} and {b.name}: {status.value}"
            for me, other in ((a, b), (b, a)):
                why = f" — {intro.note}" if intro.note else ""
                said = f"Introduction to {other.name}: {status.value}{why}"
                channel = Channel.EMAIL if letter else Channel.OTHER
                sent = [letter.strip()] if letter.strip() else []
                entry = Conversation(me.id, on, channel=channel, note=said, correspondence=sent)
                intro.conversation_ids.append(entry.id)
                self._stage(tx, "conversation", entry.id, entry)
                contact = self._copy(me.id)
                _heard(contact, entry)
                self._stage(tx, "contact", me.id, self._touch(contact))
            self._stage(tx, "introduction", intro.id, intro)
        return self._introductions[intro.id]

    def followed_up_introduction(
        self, introduction_id: str, conversation: Conversation
    ) -> Introduction:
        """The user asked how it went: the answer goes in the asker's diary, the follow-up
        leaves the queue. One change."""
        with self._transaction("Introduction follow-up") as tx:
            intro = Introduction.from_dict(self.introduction(introduction_id).to_dict())
            contact = self._copy(conversation.contact_id)
            if contact.id not in (intro.a_id, intro.b_id):
                raise ValidationError("that conversation is with someone else")
            tx.description = f"Asked {contact.name} how the introduction went"
            intro.followed_up_on = conversation.on
            _heard(contact, conversation)
            self._stage(tx, "conversation", conversation.id, conversation)
            self._stage(tx, "contact", contact.id, self._touch(contact))
            self._stage(tx, "introduction", intro.id, intro)
        return self._introductions[introduction_id]

    def traces(self, contact_id: str) -> Traces:
        """Everything a deletion of this contact takes away, for the confirmation to count."""
        self.load_conversations()
        contact = self.get(contact_id)
        return Traces(
            contact,
            sorted(self._by_contact.get(contact_id, {}).values(), key=lambda c: c.on),
            [r for r in self._referrals.values() if contact_id in (r.referrer_id, r.referred_id)],
            [c for c in self._contacts.values() if c.referred_by == contact_id],
            self.introductions_of(contact_id),
        )

    def delete_contact(self, contact_id: str, *, undoable: bool = True) -> Traces:
        """Remove a contact, their diary and their referrals; others' links to them clear.

        One change: `undo` brings all of it back (unless `undoable` is off, for forget)."""
        with self._transaction("Delete", undoable=undoable) as tx:
            gone = self.traces(contact_id)
            tx.description = f"Delete {gone.contact.name}"
            for conv in gone.conversations:
                self._stage(tx, "conversation", conv.id, None)
            for ref in gone.referrals:
                self._stage(tx, "referral", ref.id, None)
            for intro in gone.introductions:
                self._stage(tx, "introduction", intro.id, None)
            for other in gone.referred:
                unlinked = Contact.from_dict(other.to_dict()).replace(referred_by=None)
                self._stage(tx, "contact", other.id, self._touch(unlinked))
            self._stage(tx, "contact", contact_id, None)
        return gone

    def forget(self, contact_id: str) -> Forgotten:
        """Delete a contact for good: the live records, then every copy (backups, undo log,
        caches). Irreversible: no undo entry is kept, and undo entries naming them go."""
        # Imported here: only `forget` scrubs files (~1 ms of every other command's start-up).
        from netui.core.db.scrub import Person, discover, leftovers, scrub_folder

        gone = self.traces(contact_id)
        person = Person()
        records: list[Record] = [
            gone.contact,
            *gone.conversations,
            *gone.referrals,
            *gone.introductions,
        ]
        for record in records:
            person.learn(record.to_dict())
        self.delete_contact(contact_id, undoable=False)
        with self._lock, self._db.exclusive():
            self._sync(self._loaded_kinds)
            for other in self._contacts.values():
                person.spare.add(other.id)
                person.spare_texts |= {other.name, *other.emails, *other.phones}
            root = self._db.root
            discover(root, person)
            report = scrub_folder(root, person, self._db.replace_file, undo_file=UNDO_FILE)
            left = leftovers(root, person)
        self.refresh()
        return Forgotten(gone, report, left, (root / ".git").exists())

    def repair_references(self) -> list[str]:
        """Clear what points at contacts that no longer exist (a hand edit, an old bug).

        Referrals to a missing contact go, `referred_by` links clear; diary entries of a
        missing contact are kept and listed, never dropped: they are the user's words."""
        self.load_conversations()
        done: list[str] = []
        with self._transaction("Repair references") as tx:
            for ref in list(self._referrals.values()):
                if not {ref.referrer_id, ref.referred_id} <= self._contacts.keys():
                    self._stage(tx, "referral", ref.id, None)
                    done.append(f"removed referral {ref.id}: it names a missing contact")
            for intro in list(self._introductions.values()):
                if not {intro.a_id, intro.b_id} <= self._contacts.keys():
                    self._stage(tx, "introduction", intro.id, None)
                    done.append(f"removed introduction {intro.id}: it names a missing contact")
            for contact in list(self._contacts.values()):
                if contact.referred_by and contact.referred_by not in self._contacts:
                    unlinked = Contact.from_dict(contact.to_dict()).replace(referred_by=None)
                    self._stage(tx, "contact", contact.id, self._touch(unlinked))
                    done.append(f"cleared {contact.name}'s referrer: that contact is missing")
        orphans = [c for c in self._conversations.values() if c.contact_id not in self._contacts]
        done += [f"diary entry {c.id} belongs to a missing contact: kept" for c in orphans]
        return done

    def import_batch(
        self,
        *,
        contacts: Iterable[Contact] = (),
        conversations: Iterable[Conversation] = (),
        referrals: Iterable[Referral] = (),
        introductions: Iterable[Introduction] = (),
        description: str = "Import",
        undoable: bool = True,
    ) -> None:
        """Upsert many records in one transaction: all of them land, or none."""
        contacts, conversations, referrals = list(contacts), list(conversations), list(referrals)
        if conversations:
            self.load_conversations()
        with self._transaction(description, undoable=undoable) as tx:
            known = set(self._contacts) | {c.id for c in contacts}
            for conv in conversations:
                if conv.contact_id not in known:
                    raise ValidationError(f"conversation {conv.id} names an unknown contact")
            for ref in referrals:
                if not {ref.referrer_id, ref.referred_id} <= known:
                    raise ValidationError(f"referral {ref.id} names an unknown contact")
            for contact in contacts:
                self._stage(tx, "contact", contact.id, contact)
            for conv in conversations:
                self._stage(tx, "conversation", conv.id, conv)
            for ref in referrals:
                self._stage(tx, "referral", ref.id, ref)
            for intro in introductions:
                if not {intro.a_id, intro.b_id} <= known:
                    raise ValidationError(f"introduction {intro.id} names an unknown contact")
                self._stage(tx, "introduction", intro.id, intro)

    def merge(self, keep_id: str, drop_id: str) -> Contact:
        """Fold `drop` into `keep`: every conversation, referral and stage date survives."""
        if keep_id == drop_id:
            raise ValidationError("cannot merge a contact with itself")
        self.load_conversations()
        with self._transaction("Merge") as tx:
            keep, drop = self._copy(keep_id), self._copy(drop_id)
            tx.description = f"Merge {drop.name} into {keep.name}"
            merged = merge_contacts(keep, drop)
            for conv in list(self._by_contact.get(drop_id, {}).values()):
                self._stage(tx, "conversation", conv.id, conv.replace(contact_id=keep_id))
            for ref in self._referrals.values():
                ids = {"referrer_id": ref.referrer_id, "referred_id": ref.referred_id}
                moved = {k: keep_id if v == drop_id else v for k, v in ids.items()}
                if moved == ids:
                    continue
                if moved["referrer_id"] == moved["referred_id"]:
                    self._stage(tx, "referral", ref.id, None)
                else:
                    ends = ref.replace(
                        referrer_id=moved["referrer_id"], referred_id=moved["referred_id"]
                    )
                    self._stage(tx, "referral", ref.id, ends)
            for intro in self._introductions.values():
                sides = {"a_id": intro.a_id, "b_id": intro.b_id}
                moved = {k: keep_id if v == drop_id else v for k, v in sides.items()}
                if moved == sides:
                    continue
                same = moved["a_id"] == moved["b_id"]
                joined = intro.replace(a_id=moved["a_id"], b_id=moved["b_id"])
                self._stage(tx, "introduction", intro.id, None if same else joined)
            for other in self._contacts.values():
                if other.referred_by == drop_id and other.id not in (keep_id, drop_id):
                    self._stage(
                        tx,
                        "contact",
                        other.id,
                        Contact.from_dict(other.to_dict()).replace(referred_by=keep_id),
                    )
            if merged.referred_by == drop_id:
                merged.referred_by = None
            self._stage(tx, "contact", keep_id, self._touch(merged))
            self._stage(tx, "contact", drop_id, None)
        return self.get(keep_id)


def _move(contact: Contact, stage: Stage, on: date) -> None:
    """Put a contact on a rung: the step is dated and kept, any snooze ends, and an unsorted
    or kept-in-touch contact is back on the ladder (the rules' `placed_on_ladder`)."""
    placed_on_ladder(contact, stage, on)


def _place(contact: Contact, stage: Stage, on: date) -> bool:
    """Move the contact to `stage` on `on` unless it is already there on the ladder; an
    unsorted or kept contact goes back on its rung from `on`. True when it moved."""
    if contact.stage is stage and not contact.unsorted and contact.keep_since is None:
        return False
    restarts = contact.stage is stage
    _move(contact, stage, on)
    if restarts:
        contact.sorted_on = on
    return True


def _heard(contact: Contact, conversation: Conversation) -> None:
    """A conversation restarts the keep-in-touch clock and ends any snooze."""
    if contact.last_contact_on is None or conversation.on >= contact.last_contact_on:
        contact.last_contact_on = conversation.on
    contact.follow_up_on = None


def _undo_entry(tx: Transaction) -> tuple[dict[str, Any], int]:
    """The undo log entry for a transaction, and its encoded size in bytes."""
    changes = [c for c in tx.changes.values() if c.before != c.after]
    head = {"description": tx.description, "at": utc_now()}
    if not tx.undoable:
        entry = {**head, "barrier": True}
        return entry, _encoded_size(entry)
    if len(changes) <= UNDO_MAX_CHANGES:
        entry = {
            **head,
            "changes": [
                {"kind": c.kind, "id": c.id, "before": c.before, "after": c.after} for c in changes
            ],
        }
        size = _encoded_size(entry)
        if size <= UNDO_ENTRY_BYTES:
            return entry, size
    reason = (
        f"it changed {len(changes)} records, more than the undo log keeps "
        f"({UNDO_ENTRY_BYTES >> 20} MB or {UNDO_MAX_CHANGES} records a change); "
        "an export taken before such a change is the way back"
    )
    entry = {**head, "barrier": True, "reason": reason}
    return entry, _encoded_size(entry)


def _encoded_size(entry: dict[str, Any]) -> int:
    text = json.dumps(entry, ensure_ascii=False, separators=(",", ":"))
    return len(text.encode("utf-8", "surrogatepass"))  # a lone surrogate is refused later


def _trim_to_budget(entries: dict[str, Any]) -> None:
    """Drop the oldest entries until the log fits UNDO_BUDGET_BYTES (the newest always stays)."""
    sizes = {seq: _encoded_size(entry) for seq, entry in entries.items()}
    total = sum(sizes.values())
    for seq in sorted(entries)[:-1]:
        if total <= UNDO_BUDGET_BYTES:
            break
        total -= sizes[seq]
        del entries[seq]


def merge_contacts(keep: Contact, drop: Contact) -> Contact:
    """The union of two records of one person; `keep` wins where both have a value."""

    def union(a: list[str], b: list[str]) -> list[str]:
        seen = {fold(x) for x in a}
        added = []
        for x in b:
            if fold(x) not in seen:
                seen.add(fold(x))
                added.append(x)
        return a + added

    merged = Contact.from_dict(keep.to_dict())
    for name in ("emails", "phones", "tags", "needs", "offers", "urls", "external_ids"):
        setattr(merged, name, union(getattr(keep, name), getattr(drop, name)))
    merged.name_parts = list(keep.name_parts or drop.name_parts)
    for name in ("company", "title", "met_at", "reach", "mention", "referred_by"):
        if not getattr(merged, name):
            setattr(merged, name, getattr(drop, name))
    if drop.notes and drop.notes not in merged.notes:
        merged.notes = "\n\n".join(filter(None, (merged.notes, drop.notes)))
    merged.met_on = min(filter(None, (keep.met_on, drop.met_on)), default=None)
    merged.last_contact_on = max(
        filter(None, (keep.last_contact_on, drop.last_contact_on)), default=None
    )
    steps = {(s.stage, s.on) for s in keep.stage_history + drop.stage_history}
    merged.stage_history = sorted(
        (StageStep(st, on) for st, on in steps), key=lambda s: (s.on, s.stage.rank)
    )
    merged.stage = max(keep.stage, drop.stage, key=lambda s: s.rank)
    merged.archived = keep.archived and drop.archived
    merged.unsorted = keep.unsorted and drop.unsorted  # sorted once is sorted
    merged.keep_since = keep.keep_since or drop.keep_since
    merged.sorted_on = max(filter(None, (keep.sorted_on, drop.sorted_on)), default=None)
    merged.cadence_days = keep.cadence_days or drop.cadence_days
    merged.follow_up_on = keep.follow_up_on or drop.follow_up_on
    merged.conflicts = keep.conflicts + [c for c in drop.conflicts if c not in keep.conflicts]
    return merged
