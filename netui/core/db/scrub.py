"""Forgetting a person for good: every copy the durable storage keeps, not just the live record.

A deletion alone leaves the person in `*.bak` (the previous version of each file), in
`backups/` (migration copies, damaged files set aside, sync conflict copies), in the undo log
(the before-state of every change) and in the search cache. This module works on the files
themselves, under the store's exclusive lock, after the store has deleted the live records:

- `Person` gathers what identifies them (record ids, emails, phones, and contact records met
  in any copy that share an email, a phone or the folded name and company, so a contact
  merged into them long ago is found too) and the strings that must go (name, emails, phones,
  notes, diary text);
- `scrub_folder` rewrites each JSON file without any record (or undo entry) that is theirs and
  with every remaining mention replaced by FORGOTTEN; a file that is not JSON has the strings
  replaced byte for byte; disposable caches are removed, to be rebuilt;
- `leftovers` greps every file again: the caller checks it is empty.

A git repository inside the folder is left alone: its history is the user's to rewrite.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from netui.core.folding import fold

FORGOTTEN = "[forgotten]"
MIN_NEEDLE = 4  # shorter strings ("hi", "ok") are not personal and would hit everything
SKIPPED_DIRS = {".git"}
DISPOSABLE_DIRS = {"cache"}  # derived data: removed, rebuilt on next use
_TEXT_FIELDS = ("name", "mention", "notes", "reach", "note", "recommended", "observations", "did")


@dataclass(slots=True)
class Person:
    """What identifies someone across every copy of the data, and what must not remain."""

    ids: set[str] = field(default_factory=set)
    emails: set[str] = field(default_factory=set)
    phones: set[str] = field(default_factory=set)
    name_keys: set[tuple[str, str]] = field(default_factory=set)  # (folded name, company)
    needles: set[str] = field(default_factory=set)
    # Contacts who stay (and what identifies them): never taken for theirs, never rewritten.
    spare: set[str] = field(default_factory=set)
    spare_texts: set[str] = field(default_factory=set)

    def learn(self, record: dict[str, Any]) -> None:
        """Take in one of their records: its id, identifiers and text."""
        if isinstance(record.get("id"), str):
            self.ids.add(record["id"])
        if isinstance(record.get("name"), str) and "stage" in record:  # a contact
            company = record.get("company") if isinstance(record.get("company"), str) else ""
            self.name_keys.add((fold(record["name"]), fold(company or "")))
        self.emails |= {e.casefold() for e in _strings(record.get("emails"))}
        self.phones |= set(_strings(record.get("phones")))
        texts = [*_strings(record.get("emails")), *_strings(record.get("phones"))]
        texts += [record[k] for k in _TEXT_FIELDS if isinstance(record.get(k), str)]
        texts += _strings(record.get("correspondence"))
        self.needles |= {t for t in texts if len(t.strip()) >= MIN_NEEDLE}

    def owns(self, record: Any) -> bool:
        """A record (contact, diary entry, referral) that is this person's."""
        if not isinstance(record, dict) or record.get("id") in self.spare:
            return False
        if any(
            record.get(k) in self.ids
            for k in ("id", "contact_id", "referrer_id", "referred_id", "a_id", "b_id")
        ):
            return True
        if "stage" not in record or not isinstance(record.get("name"), str):
            return False
        if {e.casefold() for e in _strings(record.get("emails"))} & self.emails:
            return True
        if set(_strings(record.get("phones"))) & self.phones:
            return True
        company = record.get("company") if isinstance(record.get("company"), str) else ""
        return (fold(record["name"]), fold(company or "")) in self.name_keys

    def mentioned_in(self, value: Any) -> bool:
        """Anywhere in a JSON value: a record of theirs (an undo entry holding one, say)."""
        if isinstance(value, dict):
            return self.owns(value) or any(self.mentioned_in(v) for v in value.values())
        if isinstance(value, list):
            return any(self.mentioned_in(v) for v in value)
        return False

    def forms(self) -> list[bytes]:
        """Each needle as the bytes it may take in a file: UTF-8, and JSON-escaped."""
        found = set()
        for text in self.needles - self.spare_texts:
            found.add(text.encode("utf-8", "backslashreplace"))
            found.add(
                json.dumps(text, ensure_ascii=False)[1:-1].encode("utf-8", "backslashreplace")
            )
            found.add(json.dumps(text)[1:-1].encode("ascii"))
        return sorted(found, key=len, reverse=True)


def _strings(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def files_under(root: Path) -> Iterator[Path]:
    """Every regular file in the folder, links never followed, git's own folder left out."""
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIPPED_DIRS)
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if path.is_file() and not path.is_symlink():
                yield path


def _records(data: Any) -> Iterator[dict[str, Any]]:
    """The records of a TinyDB-shaped document ({table: {key: record}}), any depth of undo."""
    if isinstance(data, dict):
        if "id" in data and isinstance(data.get("id"), str):
            yield data
        for value in data.values():
            yield from _records(value)
    elif isinstance(data, list):
        for value in data:
            yield from _records(value)


def discover(root: Path, person: Person) -> None:
    """Widen `person` with every copy of their records kept anywhere in the folder.

    Repeats until nothing new is learnt: a contact merged into them shares an email with
    them; its diary entries then share its id."""
    documents = [doc for path in files_under(root) if (doc := _json_of(path)) is not None]
    while True:
        before = (len(person.ids), len(person.emails), len(person.phones), len(person.name_keys))
        for doc in documents:
            for record in _records(doc):
                if person.owns(record):
                    person.learn(record)
        if before == (
            len(person.ids),
            len(person.emails),
            len(person.phones),
            len(person.name_keys),
        ):
            return


def _json_of(path: Path) -> Any:
    try:
        return json.loads(path.read_bytes())
    except (OSError, ValueError, RecursionError):
        return None


def _clean(document: Any, person: Person, replace: Callable[[str], str]) -> Any:
    """The document without their records and with every other mention of them replaced.

    In a TinyDB document ({table: {key: value}}) a value that mentions them anywhere goes
    whole: their record, or an undo entry holding one. Deeper down, and in other JSON, only
    their own records go; the rest is kept with the strings replaced."""
    if isinstance(document, dict) and all(isinstance(t, dict) for t in document.values()):
        return {
            name: {
                key: _clean_value(value, person, replace)
                for key, value in table.items()
                if not person.mentioned_in(value)
            }
            for name, table in document.items()
        }
    return _clean_value(document, person, replace)


def _clean_value(value: Any, person: Person, replace: Callable[[str], str]) -> Any:
    if isinstance(value, dict):
        return {k: _clean_value(v, person, replace) for k, v in value.items() if not person.owns(v)}
    if isinstance(value, list):
        return [_clean_value(v, person, replace) for v in value if not person.owns(v)]
    if isinstance(value, str):
        return replace(value)
    return value


def _replacer(person: Person) -> Callable[[str], str]:
    needles = sorted(person.needles - person.spare_texts, key=len, reverse=True)

    def replace(text: str) -> str:
        for needle in needles:
            if needle in text:
                text = text.replace(needle, FORGOTTEN)
        return text

    return replace


@dataclass(slots=True)
class ScrubReport:
    rewritten: list[str] = field(default_factory=list)  # files that held them
    removed: list[str] = field(default_factory=list)  # disposable files deleted
    undo_entries_dropped: int = 0


def scrub_folder(
    root: Path, person: Person, write: Callable[[Path, bytes], None], *, undo_file: str
) -> ScrubReport:
    """Rewrite every file that holds them; `write` replaces a file atomically."""
    report = ScrubReport()
    forms = person.forms()
    replace = _replacer(person)
    for folder in DISPOSABLE_DIRS:
        if (root / folder).is_dir() and not (root / folder).is_symlink():
            shutil.rmtree(root / folder)
            report.removed.append(folder + "/")
    for path in files_under(root):
        raw = path.read_bytes()
        data = _json_of(path)
        holds = any(form in raw for form in forms) or (
            data is not None and person.mentioned_in(data)
        )
        if not holds:
            continue
        rel = str(path.relative_to(root))
        if data is not None:
            cleaned = _clean(data, person, replace)
            if rel == undo_file:
                report.undo_entries_dropped += _entries(data) - _entries(cleaned)
            payload = json.dumps(cleaned, ensure_ascii=False, separators=(",", ":")).encode(
                "utf-8", "backslashreplace"
            )
        else:
            payload = raw
            for form in forms:
                payload = payload.replace(form, FORGOTTEN.encode())
        write(path, payload)
        report.rewritten.append(rel)
    return report


def _entries(undo: Any) -> int:
    """How many undo entries a TinyDB-shaped undo log holds."""
    if not isinstance(undo, dict):
        return 0
    return sum(len(t) for t in undo.values() if isinstance(t, dict))


def leftovers(root: Path, person: Person) -> list[str]:
    """Files (relative) that still hold one of the strings: must be none after a scrub."""
    forms = person.forms()
    return [
        str(path.relative_to(root))
        for path in files_under(root)
        if any(form in path.read_bytes() for form in forms)
    ]
