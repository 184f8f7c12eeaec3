"""What every reader hands to the importer: records tagged with where they came from.

Readers never touch the store; they turn a file's text into `Incoming` contacts (and, for
netui's own JSON, conversations and referrals) or report every bad record at once so the
user can fix the file in one go. Locations ("line 7", "card 3 (line 14)") travel with each
record so the import report and the errors point at the file, not at our internals.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from netui.core.dates import check_date
from netui.core.errors import BadRecords, ValidationError
from netui.core.model import Contact, Conversation, Introduction, Referral

# The date spellings address books and LinkedIn write ("12 Mar 2024", "2024-03-12", ...).
# strptime's month names follow the C locale Python starts in, i.e. English.
DATE_FORMATS = (
    "%Y-%m-%d",
    "%d %b %Y",
    "%d %B %Y",
    "%d-%b-%y",
    "%d-%b-%Y",
    "%b %d, %Y",
    "%B %d, %Y",
    "%m/%d/%y, %I:%M %p",  # LinkedIn's 2018 export: "1/8/18, 6:14 PM" (US month first)
    "%m/%d/%y",
    "%m/%d/%Y",
)
# An address with one @, something before it and a dotted domain after; "urn:li:member:1"
# or a phone number typed in the email column is not one.
_EMAIL = re.compile(r"[^@\s<>(),;:]+@[^@\s<>(),;:]+\.[^@\s<>(),;:.]+")


@dataclass(slots=True)
class Incoming:
    """A contact read from a file, and where in the file it was."""

    contact: Contact
    where: str


@dataclass(slots=True)
class Bundle:
    """Everything one file holds; only netui's JSON carries conversations and referrals."""

    contacts: list[Incoming] = field(default_factory=list)
    conversations: list[Conversation] = field(default_factory=list)
    referrals: list[Referral] = field(default_factory=list)
    introductions: list[Introduction] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (where, why) left unread
    # (where, what) read with a property left out or mended: "card 3 (line 9)", "PHOTO: ..."
    repaired: list[tuple[str, str]] = field(default_factory=list)
    format: str = ""  # the format it was read as
    encoding: str = ""  # said when it was detected, not certain: "cp932 (detected)"
    # netui's own export holds distinct contacts (the user may keep two with one email):
    # they are matched against the database, never merged with one another.
    distinct: bool = False

    def merge(self, other: Bundle) -> None:
        """Add another file's records and reports (a folder of vCards is many files)."""
        self.contacts += other.contacts
        self.skipped += other.skipped
        self.repaired += other.repaired

    def problems(self) -> list[str]:
        """Every skipped record and mended property, one line each, in file order."""
        reports = sorted(self.skipped + self.repaired, key=lambda report: _place(report[0]))
        return [f"{where}: {why}" for where, why in reports]


def _place(where: str) -> tuple[str, int]:
    """'b.vcf: card 12 (line 40)' -> ('b.vcf: card ', 12): reports in file order."""
    match = re.search(r"\d+", where)
    return (where[: match.start()], int(match.group())) if match else (where, 0)


def strictly(bundle: Bundle) -> list[Incoming]:
    """The records, or BadRecords when anything had to be skipped or mended (`--strict`)."""
    if bundle.skipped or bundle.repaired:
        raise BadRecords(bundle.problems())
    return bundle.contacts


def usable(bundle: Bundle, origin: str = "") -> Bundle:
    """The bundle, or BadRecords when it holds nothing to import but reports."""
    if not bundle.contacts and (bundle.skipped or bundle.repaired):
        prefix = f"{origin}: " if origin else ""
        raise BadRecords([*bundle.problems(), f"{prefix}nothing usable in the file"])
    return bundle


def is_email(text: str) -> bool:
    """Whether the text is an email address, not an id or a phone in the email column."""
    return _EMAIL.fullmatch(text.strip()) is not None


def parse_loose_date(text: str) -> date:
    """A date as address books write it; ValueError names the text when none fits."""
    cleaned = " ".join(text.split())
    for fmt in DATE_FORMATS:
        try:
            day = datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
        return check_date(day)
    raise ValueError(f"unreadable date {cleaned!r} (expected e.g. 2024-03-12 or 12 Mar 2024)")


def clean_text(text: str) -> str:
    """Free text as stored: one kind of line break, no surrounding blank space."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def split_list(text: str, separators: tuple[str, ...] = (";", ",", ":::")) -> list[str]:
    """A cell holding several values ("a; b, c", Google's "a ::: b"), without blanks."""
    for sep in separators[1:]:
        text = text.replace(sep, separators[0])
    return [part.strip() for part in text.split(separators[0]) if part.strip()]


def unique(values: Iterable[str], key: Callable[[str], Any] = str.casefold) -> list[str]:
    """Values cleaned and in order, dropping blanks and later repeats (compared by `key`)."""
    seen: set[Any] = set()
    kept = []
    for value in map(clean_text, values):
        k = key(value)
        if value and k not in seen:
            seen.add(k)
            kept.append(value)
    return kept


def fallback_name(name: str, company: str, emails: list[str], phones: list[str]) -> str:
    """The name to file a record under: address books hold company-only or email-only entries."""
    for candidate in (name, company, *emails, *phones):
        if candidate.strip():
            return candidate
    raise ValidationError("no name, company, email or phone")
