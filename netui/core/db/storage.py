"""Durable on-disk storage: a folder of TinyDB JSON files that never loses data.

Layout of a database folder (every data file is a TinyDB document: open it with `TinyDB(path)` whose
`table_class` is `StrIdTable`, since our ids are strings, not integers):

    meta.json                 schema version
    contacts/NN.json          contacts, spread over 32 shards by id, so a stage change
                              rewrites ~1/32 of the contacts and none of the diary
    conversations/YYYY-MM.json  the diary, one file per month of the conversation's date
    referrals.json            who recommended whom
    introductions.json        introductions the user made between two contacts
    undo.json                 the last changes, so `u` works across processes and restarts
    *.bak                     the previous good version of each file (a hard link, no copy)
    .lock                     flock: shared to read a consistent state, exclusive to write
    journal.json              present only while a commit is being applied

Why not TinyDB's `JSONStorage`: it rewrites files in place (a kill mid-write leaves a torn
file), holds no lock, and reparses on every call. Here a commit writes each changed file to a
temporary file, fsyncs it, records the renames in a journal (the commit point), then renames;
a crash at any moment leaves either the old state or, after the journal is replayed, the new.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import re
import shutil
import threading
import zlib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Document, Table

from netui.core.errors import StorageError, ValidationError

SCHEMA_VERSION = 1
CONTACT_SHARDS = 32
JOURNAL = "journal.json"
TMP_MARK = ".tmp-"

Tables = dict[str, dict[str, dict[str, Any]]]
Signature = tuple[int, int, int]

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


class StrIdTable(Table):
    """A TinyDB table keyed by our own string ids instead of reusable integers."""

    document_id_class = str

    def _get_next_id(self) -> str:  # pragma: no cover - we always pass ids
        raise TypeError("netui documents always carry their own id")


class _StagedStorage(Storage):
    """TinyDB storage over data already in memory; writes are collected, not written.

    The commit serializes each file once, whatever number of TinyDB operations touched it.
    """

    def __init__(self, data: Tables) -> None:
        self.data = data

    def read(self) -> Tables:
        return self.data

    def write(self, data: Tables) -> None:
        self.data = data


def apply_to_tables(
    tables: Tables, table_name: str, upserts: Mapping[str, dict[str, Any]], deletes: set[str]
) -> Tables:
    """Apply record changes to one file's tables through TinyDB's own table API."""
    db = TinyDB(storage=lambda: _StagedStorage(tables))
    db.table_class = StrIdTable
    table = db.table(table_name, cache_size=0)
    existing = set(tables.get(table_name, {}))
    gone = [doc_id for doc_id in (deletes | set(upserts)) if doc_id in existing]
    if gone:
        table.remove(doc_ids=gone)
    if upserts:
        table.insert_multiple(Document(doc, doc_id=doc_id) for doc_id, doc in upserts.items())
    if not upserts and not gone:
        table.insert_multiple([])  # make sure the table exists in the file
    return db.storage.read()


def contact_file(contact_id: str) -> str:
    return f"contacts/{zlib.crc32(contact_id.encode()) % CONTACT_SHARDS:02d}.json"


def conversation_file(on: Any) -> str:
    return f"conversations/{on.year:04d}-{on.month:02d}.json"


def kind_of(rel: str) -> str | None:
    """Which kind of records a relative path holds, or None if it is not a data file."""
    if rel in SINGLE_FILES:
        return rel[:-5]
    head, _, name = rel.partition("/")
    if head in ("contacts", "conversations") and name.endswith(".json") and "/" not in name:
        return head
    return None


# Copies that file-sync tools leave beside a file two devices changed at once, by tool:
# Syncthing `NN.sync-conflict-20261201-101010-DEVICE.json`, Dropbox `NN (Alice's conflicted
# copy 2026-12-01).json`, Nextcloud `NN (conflicted copy 2026-12-01 101010).json`.
_CONFLICT_COPY = re.compile(
    r"(?P<stem>.+?)(?:\.sync-conflict-\d{8}-\d{6}-[^./]*| \([^()/]*conflicted copy[^/]*\))"
    r"\.json$"
)


def copied_file(name: str) -> str | None:
    """The file name a file-sync conflict copy copies (`00.json`), or None if it is not one."""
    found = _CONFLICT_COPY.fullmatch(name)
    return f"{found['stem']}.json" if found else None


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_all(fd: int, payload: bytes) -> None:
    """Write every byte (a seam for fault tests: ENOSPC is raised from here)."""
    view = memoryview(payload)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def encode(tables: Tables) -> bytes:
    return json.dumps(tables, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _os_error(action: str, path: Path, exc: OSError) -> StorageError:
    reason = exc.strerror or str(exc)
    if exc.errno == errno.ENOSPC:
        reason = "no space left on the device"
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        reason = "permission denied (read-only?)"
    return StorageError(f"could not {action} {path}: {reason}; nothing was changed")


class Database:
    """One database folder: locking, consistent reads, atomic multi-file commits."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._lock_fd: int | None = None
        self._lock_depth = 0
        self._lock_mode = 0
        self._thread_lock = threading.RLock()
        self.read_only = False

    # -- opening -----------------------------------------------------------------------------

    @classmethod
    def open(cls, root: Path | str, *, create: bool = True) -> Database:
        root = Path(root).expanduser()
        if root.exists() and not root.is_dir():
            raise StorageError(
                f"{root} is a file, not a netui database folder (use --db with a folder path)"
            )
        if not root.exists():
            if not create:
                raise StorageError(f"no database at {root}")
            try:
                root.mkdir(mode=0o700, parents=True)
                os.chmod(root, 0o700)
            except OSError as exc:
                raise _os_error("create the database folder", root, exc) from None
        db = cls(root)
        db._open_lock()
        try:
            with db.exclusive():
                db._recover()
                db._check_meta()
        except BaseException:
            db.close()  # release the lock, or the next open in this process waits forever
            raise
        return db

    def _open_lock(self) -> None:
        path = self.root / ".lock"
        try:
            self._lock_fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError:
            try:
                self._lock_fd = os.open(path, os.O_RDONLY)
            except OSError:
                # A read-only folder with no lock file: we can still read; writes will fail.
                self._lock_fd = None
            self.read_only = True

    def close(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    # -- locking -----------------------------------------------------------------------------

    @contextmanager
    def _locked(self, mode: int) -> Iterator[None]:
        with self._thread_lock:
            if self._lock_depth and (self._lock_mode == fcntl.LOCK_EX or mode == fcntl.LOCK_SH):
                self._lock_depth += 1
                try:
                    yield
                finally:
                    self._lock_depth -= 1
                return
            previous = self._lock_mode if self._lock_depth else 0
            if self._lock_fd is not None:
                fcntl.flock(self._lock_fd, mode)
            self._lock_mode, self._lock_depth = mode, self._lock_depth + 1
            try:
                if self._lock_fd is not None:
                    self._finish_dead_commit(mode)
                yield
            finally:
                self._lock_depth -= 1
                if self._lock_fd is not None:
                    fcntl.flock(self._lock_fd, previous or fcntl.LOCK_UN)
                self._lock_mode = previous

    def _finish_dead_commit(self, mode: int) -> None:
        """A journal seen while holding the lock belongs to a writer that died mid-commit
        (a live one would hold the exclusive lock): finish it before anyone reads or writes.
        """
        if self.read_only or not (self.root / JOURNAL).exists():
            return
        if mode == fcntl.LOCK_SH:
            fcntl.flock(self._lock_fd, fcntl.LOCK_EX)
        self._apply_journal()
        if mode == fcntl.LOCK_SH:
            fcntl.flock(self._lock_fd, fcntl.LOCK_SH)

    def shared(self) -> Any:
        """Hold while reading several files, so no commit lands half-way through."""
        return self._locked(fcntl.LOCK_SH)

    def exclusive(self) -> Any:
        """Hold for a read-modify-write: other processes wait, never get refused."""
        return self._locked(fcntl.LOCK_EX)

    # -- reading -----------------------------------------------------------------------------

    def data_files(self) -> list[str]:
        """Relative paths of every data file present."""
        found = []
        for name in SINGLE_FILES:
            if (self.root / name).is_file():
                found.append(name)
        for sub in ("contacts", "conversations"):
            folder = self.root / sub
            if folder.is_dir():
                found.extend(
                    f"{sub}/{entry.name}"
                    for entry in os.scandir(folder)
                    if entry.name.endswith(".json")
                    and TMP_MARK not in entry.name
                    and copied_file(entry.name) is None  # merged in on open: core/sync/copies
                )
        return sorted(found)

    def signature(self, rel: str) -> Signature | None:
        try:
            st = os.stat(self.root / rel)
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_size, st.st_mtime_ns)

    def signatures(self, kinds: set[str] | None = None) -> dict[str, Signature]:
        out = {}
        for rel in self.data_files():
            if kinds is None or kind_of(rel) in kinds:
                sig = self.signature(rel)
                if sig is not None:
                    out[rel] = sig
        return out

    def load(self, rel: str) -> Tables:
        """Read and check one file; a wrong one is refused, never repaired silently."""
        path = self.root / rel
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return {}
        except OSError as exc:
            raise StorageError(f"cannot read {path}: {exc.strerror}") from None
        return self.decode(rel, raw)

    def decode(self, rel: str, raw: bytes) -> Tables:
        path = self.root / rel
        backup = self.backup_path(rel)
        hint = (
            f"; the last good version is {backup} (run `netui doctor --db {self.root}`)"
            if backup.exists()
            else ""
        )
        if not raw.strip():
            raise StorageError(f"{path} is empty, which netui never writes{hint}")
        try:
            data = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise StorageError(f"{path} is not valid JSON ({exc}){hint}") from None
        except RecursionError:  # a hand-made [[[[...]]]]: netui never nests this deep
            raise StorageError(f"{path} is nested too deeply to be netui's{hint}") from None
        table = TABLE_OF_KIND.get(kind_of(rel) or "")
        problem = _shape_problem(data, table)
        if problem:
            raise StorageError(f"{path} has the wrong shape: {problem}{hint}")
        return data

    def backup_path(self, rel: str) -> Path:
        return self.root / f"{rel}.bak"

    # -- writing -----------------------------------------------------------------------------

    def commit(self, files: Mapping[str, Tables]) -> None:
        """Write every file in `files` atomically together; durable when this returns.

        Must be called with the exclusive lock held.
        """
        if not files:
            return
        if self.read_only:
            raise StorageError(f"the database {self.root} is read-only; nothing was changed")
        try:
            payloads = {rel: encode(tables) for rel, tables in files.items()}
        except UnicodeEncodeError:
            raise ValidationError(
                "the text holds a character that is not valid Unicode (a lone surrogate such "
                "as \\ud800, e.g. from bytes that are not UTF-8); nothing was saved"
            ) from None
        staged: list[tuple[Path, Path]] = []
        try:
            folders = set()
            for rel, payload in payloads.items():
                final = self.root / rel
                final.parent.mkdir(mode=0o700, exist_ok=True)
                tmp = final.with_name(f"{final.name}{TMP_MARK}{os.getpid()}")
                self._write_file(tmp, payload)
                staged.append((tmp, final))
                folders.add(final.parent)
            for folder in folders:
                _fsync_dir(folder)
            journal = {
                "renames": [
                    [str(t.relative_to(self.root)), rel]
                    for (t, _), rel in zip(staged, files, strict=True)
                ]
            }
            self._write_journal(journal)
        except OSError as exc:
            for tmp, _ in staged:
                tmp.unlink(missing_ok=True)
            raise _os_error("save", self.root, exc) from None
        # Committed: from here a crash is finished by the journal replay on next open.
        self._apply_journal()

    def replace_file(self, path: Path, payload: bytes) -> None:
        """Replace one file in place, atomically and durably, keeping no backup of it (for
        forgetting someone: the old bytes must not survive). Exclusive lock held."""
        tmp = path.with_name(f"{path.name}{TMP_MARK}{os.getpid()}")
        try:
            self._write_file(tmp, payload)
            os.replace(tmp, path)
            _fsync_dir(path.parent)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise _os_error("rewrite", path, exc) from None

    def _write_file(self, path: Path, payload: bytes) -> None:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            _write_all(fd, payload)
            os.fsync(fd)
        except BaseException:
            os.close(fd)
            path.unlink(missing_ok=True)
            raise
        os.close(fd)

    def _write_journal(self, journal: dict[str, Any]) -> None:
        path = self.root / JOURNAL
        tmp = self.root / f"{JOURNAL}{TMP_MARK}{os.getpid()}"
        self._write_file(tmp, json.dumps(journal).encode())
        os.replace(tmp, path)
        _fsync_dir(self.root)

    def _apply_journal(self) -> None:
        """Finish a committed transaction: idempotent, so a replay after a crash is safe."""
        path = self.root / JOURNAL
        try:
            journal = json.loads(path.read_bytes())
        except FileNotFoundError:
            return
        except (OSError, ValueError):
            # A torn journal was never committed (it is renamed into place whole).
            path.unlink(missing_ok=True)
            return
        folders = set()
        for tmp_rel, rel in journal.get("renames", []):
            tmp, final = self.root / tmp_rel, self.root / rel
            if not tmp.exists():
                continue  # already applied
            if final.exists():
                self._keep_backup(final, self.backup_path(rel))
            os.replace(tmp, final)
            folders.add(final.parent)
        for folder in folders:
            _fsync_dir(folder)
        path.unlink(missing_ok=True)
        _fsync_dir(self.root)

    def _keep_backup(self, current: Path, backup: Path) -> None:
        """The version being replaced becomes the backup, by hard link (no copy)."""
        link = backup.with_name(backup.name + TMP_MARK + str(os.getpid()))
        link.unlink(missing_ok=True)
        try:
            os.link(current, link)
        except OSError:
            shutil.copy2(current, link)
        os.replace(link, backup)

    def _recover(self) -> None:
        """Under the exclusive lock: finish a committed transaction, drop uncommitted temps."""
        if self.read_only:
            return
        self._apply_journal()
        for folder in (self.root, self.root / "contacts", self.root / "conversations"):
            if folder.is_dir():
                for entry in os.scandir(folder):
                    if TMP_MARK in entry.name:
                        os.unlink(entry.path)

    # -- schema ------------------------------------------------------------------------------

    def _check_meta(self) -> None:
        meta = self.load("meta.json").get("meta", {}).get("schema")
        if meta is None:
            others = [f for f in self.data_files() if f != "meta.json"]
            if others:
                raise StorageError(
                    f"{self.root / 'meta.json'} is missing but the folder holds data; "
                    f"run `netui doctor --db {self.root}` to restore it"
                )
            if not self.read_only:
                self.commit({"meta.json": {"meta": {"schema": self._meta_record()}}})
            return
        version = meta.get("schema_version")
        if not isinstance(version, int):
            raise StorageError(f"{self.root / 'meta.json'} has no valid schema_version")
        if version > SCHEMA_VERSION:
            raise StorageError(
                f"{self.root} was written by a newer netui (schema {version}, this one reads "
                f"up to {SCHEMA_VERSION}); upgrade netui, nothing was changed"
            )
        if version < SCHEMA_VERSION:
            self._migrate(version)

    def _meta_record(self) -> dict[str, Any]:
        return {"schema_version": SCHEMA_VERSION, "created": datetime.now(UTC).isoformat()}

    def _migrate(self, version: int) -> None:
        """Bring an older database up to date, after copying it whole to a backup folder."""
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        backups = self.root / "backups"
        backups.mkdir(mode=0o700, exist_ok=True)
        os.chmod(backups, 0o700)
        backup = backups / f"before-schema-{version}-to-{SCHEMA_VERSION}-{stamp}"
        shutil.copytree(
            self.root, backup, ignore=shutil.ignore_patterns("backups", "cache", ".lock", "*.bak")
        )
        while version < SCHEMA_VERSION:
            files = MIGRATIONS[version](self)
            version += 1
            meta = {"meta": {"schema": {**self._meta_record(), "schema_version": version}}}
            self.commit({**files, "meta.json": meta})


def _shape_problem(data: Any, table: str | None) -> str | None:
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
        if table not in ("meta", "undo") and doc.get("id") != doc_id:
            return f"record {doc_id!r} carries the id {doc.get('id')!r}"
    return None


# version -> function returning the files (relative path -> tables) that bring the
# database from that version to the next. Empty while schema 1 is the only one.
MIGRATIONS: dict[int, Callable[[Database], dict[str, Tables]]] = {}
