"""Check a database folder file by file, and put back the last good backup on request.

`Store.open` refuses a damaged database instead of guessing; the doctor says exactly which
file is wrong and why, and `restore` swaps a bad file for its `.bak` only when that backup
passes the same checks. Nothing is ever deleted: a bad file is kept aside as
`<name>.corrupt-<timestamp>` before its backup takes its place.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from netui.core.db.schema import DATA_FILE, file_problem, kind_of
from netui.core.db.storage import (
    JOURNAL,
    SCHEMA_VERSION,
    TEMP_FINALS,
    Database,
    copied_file,
    is_database,
    journal_renames,
)
from netui.core.errors import StorageError
from netui.core.fs import atomic_write, folder_lock, is_regular_file, is_temp_name
from netui.core.model import Contact, Conversation, Introduction, Referral

__all__ = ["Finding", "Report", "check", "file_problem", "restore"]

ERROR = "error"
WARNING = "warning"
CORRUPT_MARK = ".corrupt-"
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
# What netui keeps at the top of a database folder (with backups, temporaries, kept-aside files).
_OWN_FOLDERS = {"contacts", "conversations", "cache"}
_OWN_FILE = re.compile(r"\.lock$|(meta|referrals|undo|journal)\.json($|\.)")


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing wrong (error: netui refuses it) or worth a look (warning: netui copes)."""

    level: str
    file: str  # relative to the database folder; "" for the folder itself
    message: str


@dataclass(slots=True)
class Report:
    """What a check found, and what a restore did."""

    root: Path
    files_checked: int = 0
    findings: list[Finding] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    # Files whose own content is unusable (a backup can replace them), with the reason.
    bad_files: dict[str, str] = field(default_factory=dict)
    future_schema: bool = False
    foreign: bool = False  # not a netui database: the doctor touches nothing

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.level == ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.level == WARNING]

    @property
    def healthy(self) -> bool:
        return not self.errors

    def add(self, level: str, rel: str, message: str) -> None:
        self.findings.append(Finding(level, rel, message))


class _Records:
    """Every record parsed so far, by id, with the file it came from (for cross-file checks)."""

    def __init__(self) -> None:
        self.contacts: dict[str, tuple[str, Contact]] = {}
        self.conversations: dict[str, tuple[str, Conversation]] = {}
        self.referrals: dict[str, tuple[str, Referral]] = {}
        self.introductions: dict[str, tuple[str, Introduction]] = {}


# -- checking the folder ------------------------------------------------------------------------


def check(root: Path | str) -> Report:
    """Read every file of the database and report what is wrong; changes nothing."""
    root = Path(root).expanduser()
    report = Report(root)
    if not root.is_dir():
        report.add(ERROR, "", "no database folder here")
        return report
    if _is_foreign(root):
        report.foreign = True
        report.add(ERROR, "", "not a netui database (no meta.json or .lock); nothing checked")
        return report
    with folder_lock(root, fcntl.LOCK_SH):
        _check_files(root, report)
    return report


def _is_foreign(root: Path) -> bool:
    """A non-empty folder netui never wrote: the doctor reads and changes nothing there."""
    try:
        return bool(os.listdir(root)) and not is_database(root)
    except OSError:
        return False


def _check_files(root: Path, report: Report) -> None:
    files = Database(root).data_files()
    records = _Records()
    schema = _check_schema(root, files, report)
    if report.future_schema:
        return
    for rel in files:
        if rel == "meta.json":
            continue
        report.files_checked += 1
        problem, docs = _file_problem_at(root / rel, rel)
        if problem is None and not DATA_FILE.fullmatch(rel):
            problem = "netui never writes a file of this name here"
        if problem:
            _add_bad_file(root, report, rel, problem)
        else:
            _collect(rel, docs, records)
    if schema is not None and schema < SCHEMA_VERSION:
        report.add(
            WARNING,
            "meta.json",
            f"schema {schema} is older than {SCHEMA_VERSION}: netui migrates it on the next "
            "open, after copying the whole folder into backups/",
        )
    if not report.bad_files:  # else every record of a bad file would look missing
        _check_references(records, report)
    _check_leftovers(root, report)
    _check_permissions(root, report)


def _check_schema(root: Path, files: list[str], report: Report) -> int | None:
    """The schema version, if meta.json is sound; a newer one stops the check."""
    if "meta.json" not in files:
        if files:
            _add_bad_file(root, report, "meta.json", "missing, but the folder holds data")
        return None
    report.files_checked += 1
    problem, docs = _file_problem_at(root / "meta.json", "meta.json")
    if problem is None and not isinstance(docs.get("schema"), dict):
        problem = "there is no schema record"
    if problem:
        _add_bad_file(root, report, "meta.json", problem)
        return None
    version: int = docs["schema"]["schema_version"]  # schema.parse_record checked it is whole
    if version > SCHEMA_VERSION:
        report.future_schema = True
        report.add(
            ERROR,
            "meta.json",
            f"written by a newer netui (schema {version}; this one reads up to "
            f"{SCHEMA_VERSION}): upgrade netui; the doctor changes nothing here",
        )
    return version


def _add_bad_file(root: Path, report: Report, rel: str, problem: str) -> None:
    report.bad_files[rel] = problem
    verdict = _backup_verdict(root, rel)
    report.add(ERROR, rel, f"{problem}; {verdict}")


def _backup_verdict(root: Path, rel: str) -> str:
    """One phrase on whether this file's backup could replace it."""
    backup = f"{rel}.bak"
    problem = _backup_problem(root, rel)
    if problem is None:
        return f"its backup {backup} is good: `netui doctor --restore` puts it back"
    if rel == "meta.json":
        return f"{problem}; `netui doctor --restore` writes a new one if every other file is sound"
    return problem


def _backup_problem(root: Path, rel: str) -> str | None:
    backup = root / f"{rel}.bak"
    if not is_regular_file(backup):
        return "there is no backup of it (or it is not a plain file)"
    problem, docs = _file_problem_at(backup, rel)
    if problem is None and rel == "meta.json":
        version = docs.get("schema", {}).get("schema_version")
        if not isinstance(version, int) or version > SCHEMA_VERSION:
            problem = "it has no usable schema_version"
    return None if problem is None else f"its backup {rel}.bak is damaged too ({problem})"


def _collect(rel: str, docs: dict[str, Any], records: _Records) -> None:
    """Keep a good file's parsed records for the cross-file checks."""
    kind = kind_of(rel)
    if kind == "contacts":
        records.contacts.update((i, (rel, c)) for i, c in docs.items())
    elif kind == "conversations":
        records.conversations.update((i, (rel, c)) for i, c in docs.items())
    elif kind == "referrals":
        records.referrals.update((i, (rel, r)) for i, r in docs.items())
    elif kind == "introductions":
        records.introductions.update((i, (rel, r)) for i, r in docs.items())


def _check_references(records: _Records, report: Report) -> None:
    """Records that point at a contact that does not exist (netui copes, a person should look)."""
    contacts = records.contacts
    for rel, conv in records.conversations.values():
        if conv.contact_id not in contacts:
            report.add(WARNING, rel, f"diary entry {conv.id!r} belongs to a missing contact")
    for rel, ref in records.referrals.values():
        for role, contact_id in (("referrer", ref.referrer_id), ("referred", ref.referred_id)):
            if contact_id not in contacts:
                report.add(WARNING, rel, f"referral {ref.id!r}: the {role} contact is missing")
    for rel, intro in records.introductions.values():
        if not {intro.a_id, intro.b_id} <= contacts.keys():
            report.add(WARNING, rel, f"introduction {intro.id!r}: a contact is missing")
    for rel, contact in contacts.values():
        if contact.referred_by and contact.referred_by not in contacts:
            report.add(WARNING, rel, f"contact {contact.id!r} is referred by a missing contact")


def _check_leftovers(root: Path, report: Report) -> None:
    """An interrupted save leaves a journal (finished on next open) or temp files (dropped)."""
    try:
        renames = journal_renames(root)
    except StorageError as exc:
        report.add(ERROR, JOURNAL, f"netui refuses to replay it: {exc}")
    else:
        if renames is not None:
            message = "an interrupted save is pending; netui finishes it on the next open"
            report.add(WARNING, JOURNAL, message)
        elif os.path.lexists(root / JOURNAL):
            message = "a torn journal (never committed); netui drops it on the next open"
            report.add(WARNING, JOURNAL, message)
    for rel in _walk(root):
        original = copied_file(Path(rel).name)
        if original and kind_of(str(Path(rel).with_name(original))):
            report.add(
                WARNING,
                rel,
                f"a conflict copy left by a file-sync tool; netui merges it into {original} "
                "record by record on the next open and keeps it in backups/",
            )
        if is_temp_name(rel, TEMP_FINALS) and is_regular_file(root / rel):
            report.add(
                WARNING,
                rel,
                "a temporary file from an interrupted save; netui ignores it and removes it "
                "on the next open",
            )


def _check_permissions(root: Path, report: Report) -> None:
    """Personal data: the folders 0700, the files 0600 (the restore tightens them)."""
    me = os.geteuid()
    for rel, mode, owner in _loose_modes(root):
        fix = (
            "`netui doctor --restore` tightens it"
            if owner == me
            else "it belongs to another user, so only they (or root) can tighten it"
        )
        report.add(WARNING, rel, f"readable by other users (mode {mode:o}); {fix}")


def _loose_modes(root: Path) -> Iterator[tuple[str, int, int]]:
    """(relative path, mode, owner) of every folder or file others may read; links skipped.

    A link's own mode means nothing and following it could reach outside the database, so
    the doctor neither reports nor changes one (a second run finds what the first left).
    """
    kept = [rel for rel in _walk(root, folders=True) if not is_temp_name(rel, TEMP_FINALS)]
    for path in [root, *(root / rel for rel in kept)]:
        try:
            st = path.lstat()
        except OSError:
            continue
        if stat.S_ISLNK(st.st_mode):
            continue
        mode = stat.S_IMODE(st.st_mode)
        if mode & 0o077:
            yield (str(path.relative_to(root)) if path != root else "."), mode, st.st_uid


def _walk(root: Path, *, folders: bool = False) -> list[str]:
    """Relative paths of the files (and, if asked, folders) netui keeps, backups/ excluded.

    In a folder adopted by `netui init --force` the user's own files sit beside netui's:
    only netui's names at the top are walked, so the doctor never reports or chmods theirs.
    """
    found: list[str] = []
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        if here == root:
            dirnames[:] = [d for d in dirnames if d in _OWN_FOLDERS]
            filenames = [f for f in filenames if _OWN_FILE.match(f) or copied_file(f)]
        dirnames.sort()
        names = filenames + (dirnames if folders else [])
        found.extend(str((here / name).relative_to(root)) for name in sorted(names))
    return found


def _file_problem_at(path: Path, rel: str) -> tuple[str | None, dict[str, Any]]:
    """`file_problem` for the bytes at `path`, which should hold the file `rel`."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return f"cannot be read ({exc.strerror})", {}
    return file_problem(rel, raw)


# -- restoring ----------------------------------------------------------------------------------


def restore(root: Path | str, *, now: datetime | None = None) -> Report:
    """Put back the good backup of each bad file, keeping the bad one aside; then recheck.

    A file whose backup is missing or damaged is left as it is. A missing or damaged meta.json
    with no good backup is written afresh only when every other file is sound.
    """
    root = Path(root).expanduser()
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    actions: list[str] = []
    if root.is_dir() and not _is_foreign(root):
        with folder_lock(root, fcntl.LOCK_EX):
            before = Report(root)
            _check_files(root, before)
            if not before.future_schema:
                for rel in before.bad_files:
                    actions.extend(_restore_from_backup(root, rel, stamp))
                actions.extend(_renew_meta(root, stamp))
                actions.extend(_tighten_modes(root))
    report = check(root)
    report.actions = actions
    return report


def _restore_from_backup(root: Path, rel: str, stamp: str) -> list[str]:
    if _backup_problem(root, rel) is not None:
        return []
    try:
        kept = _keep_aside(root, rel, stamp)
        atomic_write(root / rel, (root / f"{rel}.bak").read_bytes())
    except OSError as exc:
        return [f"could not restore {rel} ({exc.strerror or exc}); it is as it was"]
    return [f"restored {rel} from {rel}.bak{kept}"]


def _renew_meta(root: Path, stamp: str) -> list[str]:
    """meta.json is written once, so it rarely has a backup: rebuild it if all else is sound."""
    now = Report(root)
    _check_files(root, now)
    if set(now.bad_files) != {"meta.json"}:
        return []
    schema = {"schema_version": SCHEMA_VERSION, "created": datetime.now(UTC).isoformat()}
    payload = json.dumps({"meta": {"schema": schema}}).encode()
    try:
        kept = _keep_aside(root, "meta.json", stamp)
        atomic_write(root / "meta.json", payload)
    except OSError as exc:
        return [f"could not write a new meta.json ({exc.strerror or exc}); it is as it was"]
    return [f"wrote a new meta.json (schema {SCHEMA_VERSION}): every data file is sound{kept}"]


def _keep_aside(root: Path, rel: str, stamp: str) -> str:
    """Link the bad file to `<name>.corrupt-<stamp>`; returns a phrase for the report."""
    final = root / rel
    if not os.path.lexists(final):
        return ""
    aside = final.with_name(f"{final.name}{CORRUPT_MARK}{stamp}")
    n = 1
    while os.path.lexists(aside):
        aside = final.with_name(f"{final.name}{CORRUPT_MARK}{stamp}-{n}")
        n += 1
    try:
        os.link(final, aside, follow_symlinks=False)
    except OSError:
        shutil.copy2(final, aside, follow_symlinks=False)
    if is_regular_file(aside):
        os.chmod(aside, 0o600)
    return f" (the damaged file is kept as {aside.relative_to(root)})"


def _tighten_modes(root: Path) -> list[str]:
    """Set 0700/0600 through a descriptor opened without following links; say what failed."""
    actions = []
    for rel, mode, _ in list(_loose_modes(root)):
        path = root / rel
        try:
            wanted = _tighten(path)
        except OSError as exc:
            actions.append(f"could not tighten {rel} (mode {mode:o}): {exc.strerror or exc}")
            continue
        if wanted is not None:
            actions.append(f"tightened {rel} from mode {mode:o} to {wanted:o}")
    return actions


def _tighten(path: Path) -> int | None:
    """chmod one folder or plain file, never what a link (or a swap for one) points at."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | _NOFOLLOW)
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            wanted = 0o700
        elif stat.S_ISREG(st.st_mode):
            wanted = 0o600
        else:
            return None  # a device or FIFO a user left here: not netui's to change
        os.fchmod(fd, wanted)
        return wanted
    finally:
        os.close(fd)
