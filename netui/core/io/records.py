"""What every reader hands to the importer: records tagged with where they came from.

Readers never touch the store; they turn a file's text into `Incoming` contacts (and, for
netui's own JSON, conversations and referrals) or report every bad record at once so the
user can fix the file in one go. Locations ("line 7", "card 3 (line 14)") travel with each
record so the import report and the errors point at the file, not at our internals.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from netui.core.dates import check_date
from netui.core.errors import ValidationError
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
)


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
    format: str = ""  # the format it was read as
    # netui's own export holds distinct contacts (the user may keep two with one email):
    # they are matched against the database, never merged with one another.
    distinct: bool = False


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
