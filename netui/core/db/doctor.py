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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from netui.core.dates import DATE_RANGE
from netui.core.db.storage import (
    JOURNAL,
    SCHEMA_VERSION,
    TABLE_OF_KIND,
    TMP_MARK,
    Database,
    contact_file,
    conversation_file,
    copied_file,
    kind_of,
)
from netui.core.model import Contact, Conversation, Introduction, Referral

ERROR = "error"
WARNING = "warning"
CORRUPT_MARK = ".corrupt-"
_UNDO_KEY = re.compile(r"\d{9}")
_UNDO_KINDS = {"contact", "conversation", "referral", "introduction"}
_ISO_DAY = re.compile(r"\d{4}-\d\d-\d\d")
_RECORD_ERRORS = (KeyError, ValueError, TypeError, AttributeError)


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


# -- checking one file --------------------------------------------------------------------------


def file_problem(rel: str, raw: bytes) -> tuple[str | None, dict[str, Any]]:
    """Why these bytes cannot be the file `rel`, or None and its records."""
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
    if not isinstance(data, dict):
        return "the top level is not a JSON object", {}
    if table not in data:
        return f"the table {table!r} is missing", {}
    extra = sorted(set(data) - {table})
    if extra:
        return f"unexpected tables {extra}", {}
    records = data[table]
    if not isinstance(records, dict):
        return f"the table {table!r} is not a JSON object", {}
    check_record = _RECORD_CHECKS[kind]
    for key, doc in records.items():
        if not isinstance(doc, dict):
            return f"record {key!r} is not a JSON object", {}
        try:
            problem = _date_out_of_range(key, doc) or check_record(rel, key, doc)
        except _RECORD_ERRORS as exc:
            problem = f"record {key!r} is invalid ({type(exc).__name__}: {exc})"
        if problem:
            return problem, {}
    return None, records


_DATE_FIELDS = ("met_on", "follow_up_on", "last_contact_on", "on", "thanked_on")


def _date_out_of_range(key: str, doc: dict[str, Any]) -> str | None:
    """A hand-edited day outside DATE_RANGE (9999-12-31 once broke every due date), by name."""
    steps = doc.get("stage_history")
    named = [(name, doc.get(name)) for name in _DATE_FIELDS]
    if isinstance(steps, list):
        named += [("stage date", s.get("on")) for s in steps if isinstance(s, dict)]
    first, last = (day.isoformat() for day in DATE_RANGE)
    for name, value in named:
        if isinstance(value, str) and _ISO_DAY.match(value) and not first <= value[:10] <= last:
            return (
                f"record {key!r}: {name} {value[:10]} is outside {first}..{last}; "
                "correct it by hand (netui refuses the file until then)"
            )
    return None


def _own_id(key: str, doc: dict[str, Any]) -> str | None:
    if doc.get("id") != key:
        return f"record {key!r} carries the id {doc.get('id')!r}"
    return None


def _check_contact(rel: str, key: str, doc: dict[str, Any]) -> str | None:
    if not isinstance(doc.get("name"), str):
        return f"contact {key!r} has no text name"
    Contact.from_dict(doc)
    if contact_file(key) != rel:
        return f"contact {key!r} belongs in {contact_file(key)}, not here"
    return _own_id(key, doc)


def _check_conversation(rel: str, key: str, doc: dict[str, Any]) -> str | None:
    if not isinstance(doc.get("contact_id"), str) or not isinstance(doc.get("on"), str):
        return f"diary entry {key!r} lacks a contact_id or a date"
    conv = Conversation.from_dict(doc)
    if conversation_file(conv.on) != rel:
        return (
            f"diary entry {key!r} is dated {conv.on}, so it belongs in {conversation_file(conv.on)}"
        )
    return _own_id(key, doc)


def _check_referral(rel: str, key: str, doc: dict[str, Any]) -> str | None:
    if not all(isinstance(doc.get(k), str) for k in ("referrer_id", "referred_id")):
        return f"referral {key!r} lacks a referrer_id or a referred_id"
    Referral.from_dict(doc)
    return _own_id(key, doc)


def _check_introduction(rel: str, key: str, doc: dict[str, Any]) -> str | None:
    if not all(isinstance(doc.get(k), str) for k in ("a_id", "b_id")):
        return f"introduction {key!r} lacks one of the two contacts (a_id, b_id)"
    Introduction.from_dict(doc)
    return _own_id(key, doc)


def _check_undo(rel: str, key: str, entry: dict[str, Any]) -> str | None:
    if not _UNDO_KEY.fullmatch(key):
        return f"undo entry {key!r} is not a 9-digit sequence number"
    if not isinstance(entry.get("description"), str):
        return f"undo entry {key!r} has no description"
    if entry.get("barrier"):
        return None
    changes = entry.get("changes")
    if not isinstance(changes, list):
        return f"undo entry {key!r} has no list of changes"
    for change in changes:
        if not (
            isinstance(change, dict)
            and change.get("kind") in _UNDO_KINDS
            and isinstance(change.get("id"), str)
            and all(isinstance(change.get(k), dict | None) for k in ("before", "after"))
        ):
            return f"undo entry {key!r} holds a malformed change"
    return None


def _check_meta(rel: str, key: str, doc: dict[str, Any]) -> str | None:
    if key == "schema" and not isinstance(doc.get("schema_version"), int):
        return "the schema record has no whole-number schema_version"
    return None


_RECORD_CHECKS: dict[str | None, Callable[[str, str, dict[str, Any]], str | None]] = {
    "contacts": _check_contact,
    "conversations": _check_conversation,
    "referrals": _check_referral,
    "introductions": _check_introduction,
    "undo": _check_undo,
    "meta": _check_meta,
}

_NAME_OF_KIND = {
    "contacts": re.compile(r"contacts/\d\d\.json"),
    "conversations": re.compile(r"conversations/\d{4}-\d\d\.json"),
}


# -- checking the folder ------------------------------------------------------------------------


def check(root: Path | str) -> Report:
    """Read every file of the database and report what is wrong; changes nothing."""
    root = Path(root).expanduser()
    report = Report(root)
    if not root.is_dir():
        report.add(ERROR, "", "no database folder here")
        return report
    with _folder_lock(root, fcntl.LOCK_SH):
        _check_files(root, report)
    return report


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
        shape = _NAME_OF_KIND.get(kind_of(rel) or "")
        if problem is None and shape and not shape.fullmatch(rel):
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
    version = docs["schema"]["schema_version"]
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
    if not backup.is_file():
        return "there is no backup of it"
    problem, docs = _file_problem_at(backup, rel)
    if problem is None and rel == "meta.json":
        version = docs.get("schema", {}).get("schema_version")
        if not isinstance(version, int) or version > SCHEMA_VERSION:
            problem = "it has no usable schema_version"
    return None if problem is None else f"its backup {rel}.bak is damaged too ({problem})"


def _collect(rel: str, docs: dict[str, Any], records: _Records) -> None:
    """Keep a good file's records for the cross-file checks."""
    kind = kind_of(rel)
    if kind == "contacts":
        records.contacts.update((i, (rel, Contact.from_dict(d))) for i, d in docs.items())
    elif kind == "conversations":
        records.conversations.update((i, (rel, Conversation.from_dict(d))) for i, d in docs.items())
    elif kind == "referrals":
        records.referrals.update((i, (rel, Referral.from_dict(d))) for i, d in docs.items())
    elif kind == "introductions":
        records.introductions.update((i, (rel, Introduction.from_dict(d))) for i, d in docs.items())


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
    journal = root / JOURNAL
    if journal.exists():
        try:
            json.loads(journal.read_bytes())
            message = "an interrupted save is pending; netui finishes it on the next open"
        except (OSError, ValueError):
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
        if TMP_MARK in Path(rel).name:
            report.add(
                WARNING,
                rel,
                "a temporary file from an interrupted save; netui ignores it and removes it "
                "on the next open",
            )


def _check_permissions(root: Path, report: Report) -> None:
    """Personal data: the folders 0700, the files 0600 (the restore tightens them)."""
    for rel, mode in _loose_modes(root):
        report.add(
            WARNING,
            rel,
            f"readable by other users (mode {mode:o}); `netui doctor --restore` tightens it",
        )


def _loose_modes(root: Path) -> Iterator[tuple[str, int]]:
    kept = [rel for rel in _walk(root, folders=True) if TMP_MARK not in rel]
    for path in [root, *(root / rel for rel in kept)]:
        try:
            mode = stat.S_IMODE(path.lstat().st_mode)
        except OSError:
            continue
        if mode & 0o077:
            yield (str(path.relative_to(root)) if path != root else "."), mode


def _walk(root: Path, *, folders: bool = False) -> list[str]:
    """Relative paths of the files (and, if asked, folders) netui keeps, backups/ excluded."""
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in ("backups", ".git"))
        here = Path(dirpath)
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
    if root.is_dir():
        with _folder_lock(root, fcntl.LOCK_EX):
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
    kept = _keep_aside(root, rel, stamp)
    _install(root / rel, lambda tmp: shutil.copyfile(root / f"{rel}.bak", tmp))
    return [f"restored {rel} from {rel}.bak{kept}"]


def _renew_meta(root: Path, stamp: str) -> list[str]:
    """meta.json is written once, so it rarely has a backup: rebuild it if all else is sound."""
    now = Report(root)
    _check_files(root, now)
    if set(now.bad_files) != {"meta.json"}:
        return []
    kept = _keep_aside(root, "meta.json", stamp)
    schema = {"schema_version": SCHEMA_VERSION, "created": datetime.now(UTC).isoformat()}
    payload = json.dumps({"meta": {"schema": schema}}).encode()
    _install(root / "meta.json", lambda tmp: tmp.write_bytes(payload))
    return [f"wrote a new meta.json (schema {SCHEMA_VERSION}): every data file is sound{kept}"]


def _keep_aside(root: Path, rel: str, stamp: str) -> str:
    """Link the bad file to `<name>.corrupt-<stamp>`; returns a phrase for the report."""
    final = root / rel
    if not final.exists():
        return ""
    aside = final.with_name(f"{final.name}{CORRUPT_MARK}{stamp}")
    n = 1
    while aside.exists():
        aside = final.with_name(f"{final.name}{CORRUPT_MARK}{stamp}-{n}")
        n += 1
    try:
        os.link(final, aside)
    except OSError:
        shutil.copy2(final, aside)
    os.chmod(aside, 0o600)
    return f" (the damaged file is kept as {aside.relative_to(root)})"


def _install(final: Path, fill: Callable[[Path], Any]) -> None:
    """Write a file whole, then move it into place: a crash leaves the old or the new."""
    tmp = final.with_name(f"{final.name}{TMP_MARK}{os.getpid()}")
    fill(tmp)
    os.chmod(tmp, 0o600)
    fd = os.open(tmp, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, final)
    fd = os.open(final.parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _tighten_modes(root: Path) -> list[str]:
    actions = []
    for rel, mode in list(_loose_modes(root)):
        path = root / rel
        wanted = 0o700 if path.is_dir() else 0o600
        os.chmod(path, wanted)
        actions.append(f"tightened {rel} from mode {mode:o} to {wanted:o}")
    return actions


@contextmanager
def _folder_lock(root: Path, mode: int) -> Iterator[None]:
    """The same flock netui's storage takes, so the doctor never reads a save half-done."""
    try:
        fd = os.open(root / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:
        yield  # a read-only folder: nobody can be writing to it
        return
    try:
        fcntl.flock(fd, mode)
        yield
    finally:
        os.close(fd)
