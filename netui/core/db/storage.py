"""Durable on-disk storage: a folder of TinyDB JSON files that never loses data.

Layout of a database folder (every data file is a TinyDB document: open it with `TinyDB(path)` whose
`table_class` is `tinydb_table.StrIdTable`, since our ids are strings, not integers):

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

import _thread  # the lock alone: `threading` is ~1 ms of every command's start-up
import errno
import fcntl
import json
import os
import re
import stat
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

from netui.core.db.schema import (
    CONTACT_SHARDS,
    DATA_FILE,
    SINGLE_FILES,
    TABLE_OF_KIND,
    contact_file,
    conversation_file,
    kind_of,
    shape_problem,
)
from netui.core.errors import NotADatabase, StorageError, ValidationError
from netui.core.fs import (
    TMP_MARK,
    atomic_write,
    flock,
    fsync_dir,
    is_regular_file,
    is_temp_name,
    link_into_place,
    make_private_dirs,
    open_lock,
    rename_into_place,
    temp_path,
    write_synced,
)

__all__ = [
    "CONTACT_SHARDS",
    "JOURNAL",
    "SCHEMA_VERSION",
    "TABLE_OF_KIND",
    "TMP_MARK",
    "Database",
    "contact_file",
    "conversation_file",
    "kind_of",
]

SCHEMA_VERSION = 1
JOURNAL = "journal.json"
# Files that mark a folder as a netui database (a damaged one may have lost meta.json).
MARKERS = ("meta.json", "meta.json.bak", ".lock", JOURNAL)
# A journal lists at most one rename per data file; anything far bigger is not netui's.
MAX_JOURNAL_BYTES = 1 << 20
# Names whose `.tmp-<pid>` temporaries netui writes (data files, their backups, the journal).
TEMP_FINALS = re.compile(rf"({DATA_FILE.pattern})(\.bak)?|{re.escape(JOURNAL)}")

Tables = dict[str, dict[str, dict[str, Any]]]
Signature = tuple[int, int, int]


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


def encode(tables: Tables) -> bytes:
    return json.dumps(tables, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def table_end(raw: bytes) -> int | None:
    """Where the table of the file `raw` (one table, as `load` accepted it) closes: its last
    `}` but one, since the top level holds the one table (`shape_problem`) and its last
    value is the one `json.loads` keeps, were the key written twice. None when the file
    does not end so."""
    top = raw.rstrip()
    if top[-1:] != b"}":
        return None
    end = len(top[:-1].rstrip()) - 1
    return end if raw[end : end + 1] == b"}" else None


def appended(raw: bytes, end: int, docs: Mapping[str, dict[str, Any]]) -> bytes:
    """The file `raw` with `docs`, records new to it, added at the end of its table (which
    closes at `end`, `table_end`), without decoding and re-encoding the records it holds:
    the bytes `encode` writes for its tables with them added, when `encode` wrote `raw`.
    (`netui add` decoded and re-encoded the 300 contacts of a shard: ~5 ms.)"""
    if not docs:
        return raw
    empty = raw[:end].rstrip()[-1:] == b"{"
    added = encode(cast(Tables, docs))[1:-1]  # `"id":{...},...`, spelled as encode spells them
    return raw[:end] + (b"" if empty else b",") + added + raw[end:]


_DECODER = json.JSONDecoder()
SPLICE_LIMIT = 8  # records replaced by splicing; more, and decoding the file is as quick


def spliced(
    raw: bytes, table: str, before: Mapping[str, Any], after: Mapping[str, Any]
) -> bytes | None:
    """`raw` (a file `encode` wrote, holding these records) with each record's value
    `before` replaced by `after`, in place, the rest of the bytes untouched; None when that
    cannot be done safely (the caller decodes, applies and encodes the whole file instead).

    Why: a stage key rewrites one contact, yet decoding and encoding its 330-contact shard
    took ~3.7 ms of the ~11 ms write (x3 at 30,000 contacts). Safe because a match of
    `"<id>":` right after `{` or `,` can only be a key (inside an encoded string every `"`
    is escaped), it must be the only one in the file, and the value found there must be
    exactly the record the store holds (`before`), else nothing is spliced. The rest of the
    file is not checked here: the caller splices only a file it decoded and checked at
    the signature it still has."""
    if not before or len(before) > SPLICE_LIMIT or before.keys() != after.keys():
        return None
    if not all(isinstance(doc, dict) for doc in (*before.values(), *after.values())):
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    head = json.dumps({table: {}}, ensure_ascii=False, separators=(",", ":"))[:-2]
    if not (text.startswith(head) and text.endswith("}}")):
        return None
    for record_id, old in before.items():
        key = json.dumps(record_id, ensure_ascii=False) + ":"
        at = text.find(key)
        if at < 1 or text[at - 1] not in "{," or text.find(key, at + 1) != -1:
            return None
        start = at + len(key)
        try:
            found, end = _DECODER.raw_decode(text, start)
        except ValueError:
            return None
        if found != old:
            return None
        value = json.dumps(after[record_id], ensure_ascii=False, separators=(",", ":"))
        text = text[:start] + value + text[end:]
    return text.encode("utf-8")


def _os_error(action: str, path: Path, exc: OSError) -> StorageError:
    reason = exc.strerror or str(exc)
    if exc.errno == errno.ENOSPC:
        reason = "no space left on the device"
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        reason = "permission denied (read-only?)"
    return StorageError(f"could not {action} {path}: {reason}; nothing was changed")


def is_database(root: Path) -> bool:
    """True when the folder holds a file only netui makes (meta.json, its backup, .lock)."""
    return any(os.path.lexists(root / name) for name in MARKERS)


def refuse_foreign(root: Path) -> None:
    """Raise NotADatabase for a non-empty folder that is not a netui database."""
    try:
        names = sorted(os.listdir(root))
    except OSError as exc:
        raise _os_error("read the folder", root, exc) from None
    if not names or is_database(root):
        return
    shown = ", ".join(repr(n) for n in names[:3]) + (", ..." if len(names) > 3 else "")
    raise NotADatabase(
        f"{root} is not a netui database and already holds {len(names)} other entries "
        f"({shown}); netui changes nothing there. Choose another --db folder, or run "
        f"`netui init --db {root} --force` to keep netui's data in it too"
    )


def journal_renames(root: Path) -> list[tuple[str, str]] | None:
    """The renames a committed journal asks for, each checked; None: no journal, or a torn one.

    Only netui's own temporary file may become netui's own data file in this folder: a journal
    can arrive from elsewhere (a shared or synced folder, an archive), and replaying any rename
    it names would let it overwrite or steal any file the user can reach. Every entry is
    checked before anything moves; a torn journal (never committed) reads as no renames.
    """
    path = root / JOURNAL
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise _os_error("read", path, exc) from None
    if not stat.S_ISREG(st.st_mode):
        raise _refusal(path, "it is not a plain file")
    if st.st_size > MAX_JOURNAL_BYTES:
        raise _refusal(path, f"it is {st.st_size} bytes, far more than netui ever writes")
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_JOURNAL_BYTES + 1)
    except OSError as exc:
        raise _os_error("read", path, exc) from None
    try:
        journal = json.loads(raw)
    except (ValueError, RecursionError):
        return None  # torn: it is renamed into place whole, so a torn one was never committed
    renames = journal.get("renames") if isinstance(journal, dict) else None
    if not isinstance(renames, list) or len(renames) > MAX_JOURNAL_BYTES // 16:
        raise _refusal(path, "it is not a list of renames")
    checked = []
    for pair in renames:
        if not (
            isinstance(pair, list) and len(pair) == 2 and all(isinstance(p, str) for p in pair)
        ):
            raise _refusal(path, f"the entry {str(pair)[:80]!r} is not a pair of file names")
        problem = _rename_problem(root, *pair)
        if problem:
            raise _refusal(path, f"{pair[0][:80]!r} -> {pair[1][:80]!r} {problem}")
        checked.append((pair[0], pair[1]))
    return checked


def _rename_problem(root: Path, tmp_rel: str, rel: str) -> str | None:
    """Why one journal rename is not one netui would write, or None."""
    if not DATA_FILE.fullmatch(rel):
        return "does not end at a netui data file"
    head, mark, pid = tmp_rel.rpartition(TMP_MARK)
    if head != rel or not mark or not pid.isascii() or not pid.isdigit() or len(pid) > 10:
        return "does not start at that file's own temporary file"
    folder = (root / rel).parent
    if folder != root and not stat.S_ISDIR(_lstat_mode(folder) or 0):
        return f"goes through {folder.name}, which is not a plain folder"
    for end in (root / tmp_rel, root / rel):
        mode = _lstat_mode(end)
        if mode is not None and not stat.S_ISREG(mode):
            return f"involves {end.name}, which is not a plain file (a link?)"
    return None


def _lstat_mode(path: Path) -> int | None:
    try:
        return os.lstat(path).st_mode
    except OSError:
        return None


def _refusal(path: Path, why: str) -> StorageError:
    return StorageError(
        f"{path} is not a journal netui wrote ({why}); nothing was moved. Look at the folder, "
        "then delete that file to open it"
    )


class Database:
    """One database folder: locking, consistent reads, atomic multi-file commits."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._lock_fd: int | None = None
        self._lock_depth = 0
        self._lock_mode = 0
        self._thread_lock = _thread.RLock()
        self.read_only = False

    # -- opening -----------------------------------------------------------------------------

    @classmethod
    def open(cls, root: Path | str, *, create: bool = True, adopt: bool = False) -> Database:
        """Open (a missing or empty folder: create) a database; `adopt` accepts any folder.

        A non-empty folder that is not a netui database is refused unless `adopt` (`netui
        init --force`): a typo in --db must never write into, or delete from, someone's files.
        """
        root = Path(root).expanduser()
        if root.exists() and not root.is_dir():
            raise StorageError(
                f"{root} is a file, not a netui database folder (use --db with a folder path)"
            )
        if not root.exists():
            if not create:
                raise StorageError(f"no database at {root}")
            try:
                make_private_dirs(root)
            except OSError as exc:
                raise _os_error("create the database folder", root, exc) from None
        elif not adopt:
            refuse_foreign(root)
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
        self._lock_fd, self.read_only = open_lock(self.root)

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
            flock(self._lock_fd, mode)
            self._lock_mode, self._lock_depth = mode, self._lock_depth + 1
            try:
                if self._lock_fd is not None:
                    self._finish_dead_commit(mode)
                yield
            finally:
                self._lock_depth -= 1
                flock(self._lock_fd, previous or fcntl.LOCK_UN)
                self._lock_mode = previous

    def _finish_dead_commit(self, mode: int) -> None:
        """A journal seen while holding the lock belongs to a writer that died mid-commit
        (a live one would hold the exclusive lock): finish it before anyone reads or writes.
        """
        if self.read_only or not os.path.lexists(self.root / JOURNAL):
            return
        if mode == fcntl.LOCK_SH:
            flock(self._lock_fd, fcntl.LOCK_EX)
        self._apply_journal()
        if mode == fcntl.LOCK_SH:
            flock(self._lock_fd, fcntl.LOCK_SH)

    def shared(self) -> Any:
        """Hold while reading several files, so no commit lands half-way through."""
        return self._locked(fcntl.LOCK_SH)

    def exclusive(self) -> Any:
        """Hold for a read-modify-write: other processes wait, never get refused."""
        return self._locked(fcntl.LOCK_EX)

    # -- reading -----------------------------------------------------------------------------

    def data_files(self, kinds: set[str] | None = None) -> list[str]:
        """Relative paths of every data file present (temporaries left out), or of those of
        these kinds: a command reads a few kinds several times (open, look-up, commit), and
        listing the whole folder (150 month files at ten years) each time added up."""
        found = []
        for name in SINGLE_FILES:
            if (kinds is None or kind_of(name) in kinds) and (self.root / name).is_file():
                found.append(name)
        for sub in ("contacts", "conversations"):
            folder = self.root / sub
            if (kinds is None or sub in kinds) and folder.is_dir():
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
            st = os.stat(f"{self.root}/{rel}")
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_size, st.st_mtime_ns)

    def size(self, rel: str) -> int:
        """Bytes in a data file (0 if absent)."""
        sig = self.signature(rel)
        return sig[1] if sig else 0

    def signatures(self, kinds: set[str] | None = None) -> dict[str, Signature]:
        """Every data file present (of these kinds) with its signature, in path order.

        Each write and each poll asks, for ~150 files at ten years of diary: stat'ed through
        `Path` objects they took ~0.8 ms, a string path each ~0.4 ms."""
        out = {}
        for rel in self.data_files(kinds):
            sig = self.signature(rel)
            if sig is not None:
                out[rel] = sig
        return out

    def load(self, rel: str) -> Tables:
        """Read and check one file; a wrong one is refused, never repaired silently."""
        raw = self.read_bytes(rel)
        return self.decode(rel, raw) if raw is not None else {}

    def read_bytes(self, rel: str) -> bytes | None:
        """One file's bytes, unchecked (None when it does not exist)."""
        path = self.root / rel
        try:
            return path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StorageError(f"cannot read {path}: {exc.strerror}") from None

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
        problem = shape_problem(data, table)
        if problem:
            raise StorageError(f"{path} has the wrong shape: {problem}{hint}")
        tables: Tables = data  # shape_problem checked it: tables of records by id
        return tables

    def backup_path(self, rel: str) -> Path:
        return self.root / f"{rel}.bak"

    # -- writing -----------------------------------------------------------------------------

    def commit(self, files: Mapping[str, Tables | bytes | Callable[[], bytes]]) -> None:
        """Write every file in `files` (its tables, its bytes already encoded such as
        `spliced` gives, or a function making them such as `appended`) atomically together;
        durable when this returns.

        Must be called with the exclusive lock held.
        """
        if not files:
            return
        if self.read_only:
            raise StorageError(f"the database {self.root} is read-only; nothing was changed")
        try:
            payloads = {
                rel: data if isinstance(data, bytes) else data() if callable(data) else encode(data)
                for rel, data in files.items()
            }
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
                make_private_dirs(final.parent)
                tmp = temp_path(final)
                write_synced(tmp, payload)
                staged.append((tmp, final))
                folders.add(final.parent)
            for folder in folders:
                fsync_dir(folder)
            journal = {
                "renames": [
                    [str(t.relative_to(self.root)), rel]
                    for (t, _), rel in zip(staged, files, strict=True)
                ]
            }
            atomic_write(self.root / JOURNAL, json.dumps(journal).encode())
        except OSError as exc:
            for tmp, _ in staged:
                tmp.unlink(missing_ok=True)
            raise _os_error("save", self.root, exc) from None
        # Committed: from here a crash is finished by the journal replay on next open.
        self._apply_journal()

    def replace_file(self, path: Path, payload: bytes) -> None:
        """Replace one file in place, atomically and durably, keeping no backup of it (for
        forgetting someone: the old bytes must not survive). Exclusive lock held."""
        try:
            atomic_write(path, payload)
        except OSError as exc:
            raise _os_error("rewrite", path, exc) from None

    def _apply_journal(self) -> None:
        """Finish a committed transaction: idempotent, so a replay after a crash is safe."""
        renames = journal_renames(self.root)
        if renames is None:  # none, or torn (never committed): nothing to finish
            (self.root / JOURNAL).unlink(missing_ok=True)
            return
        folders = set()
        for tmp_rel, rel in renames:
            tmp, final = self.root / tmp_rel, self.root / rel
            if not is_regular_file(tmp):
                continue  # already applied
            if is_regular_file(final):
                self._keep_backup(final, self.backup_path(rel))
            rename_into_place(tmp, final)
            folders.add(final.parent)
        for folder in folders:
            fsync_dir(folder)
        (self.root / JOURNAL).unlink(missing_ok=True)
        fsync_dir(self.root)

    def _keep_backup(self, current: Path, backup: Path) -> None:
        """The version being replaced becomes the backup, by hard link (no copy)."""
        link_into_place(current, backup)

    def _recover(self) -> None:
        """Under the exclusive lock: finish a committed transaction, drop uncommitted temps.

        Only netui's own temporaries go: regular files named `<data file>.tmp-<pid>` in the
        three folders netui writes, never a user's `build.tmp-x` or anything a link leads to.
        """
        if self.read_only:
            return
        self._apply_journal()
        for sub in ("", "contacts", "conversations"):
            folder = self.root / sub
            if sub and not stat.S_ISDIR(_lstat_mode(folder) or 0):
                continue
            for entry in os.scandir(folder):
                rel = f"{sub}/{entry.name}" if sub else entry.name
                if is_temp_name(rel, TEMP_FINALS) and entry.is_file(follow_symlinks=False):
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
        make_private_dirs(backups)
        backup = backups / f"before-schema-{version}-to-{SCHEMA_VERSION}-{stamp}"
        import shutil  # here: a migration is rare, shutil ~1.4 ms of every start-up

        shutil.copytree(
            self.root, backup, ignore=shutil.ignore_patterns("backups", "cache", ".lock", "*.bak")
        )
        while version < SCHEMA_VERSION:
            files = MIGRATIONS[version](self)
            version += 1
            meta = {"meta": {"schema": {**self._meta_record(), "schema_version": version}}}
            self.commit({**files, "meta.json": meta})


# version -> function returning the files (relative path -> tables) that bring the
# database from that version to the next. Empty while schema 1 is the only one.
MIGRATIONS: dict[int, Callable[[Database], dict[str, Tables]]] = {}
