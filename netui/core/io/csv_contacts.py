"""Contacts as CSV: reading whatever header spellings spreadsheets and address books use.

Headers are matched loosely: case, punctuation, numbers and words such as "work" or
"value" are ignored, so "E-mail 2 Address", "Email" and Google's "E-mail 1 - Value" all
mean the email column. Several email or phone columns are all kept. A cell may hold
several values separated by ";", "," or Google's ":::". Outlook's "Title" is Mr./Ms., so
a "Job Title" column wins over it.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from datetime import date

from netui.core.errors import BadRecords, ValidationError
from netui.core.io.records import (
    Bundle,
    Incoming,
    clean_text,
    fallback_name,
    is_email,
    parse_loose_date,
    split_list,
    strictly,
    unique,
    usable,
)
from netui.core.model import Contact, Stage
from netui.core.text import one_line

# Field -> header spellings (after normalising), best first.
SPELLINGS: dict[str, tuple[str, ...]] = {
    "name": ("name", "full name", "fullname", "display name", "contact name", "formatted name"),
    "first": ("first name", "firstname", "given name", "forename", "first"),
    "middle": ("middle name", "additional name", "middle"),
    "last": ("last name", "lastname", "surname", "family name", "last"),
    "email": ("email", "emails", "mail", "email addresses"),
    "phone": (
        "phone",
        "phones",
        "telephone",
        "tel",
        "mobile",
        "mobile phone",
        "cell",
        "cell phone",
    ),
    "company": (
        "company",
        "organization",
        "organisation",
        "org",
        "employer",
        "company name",
        "organization name",
        "organisation name",
    ),
    "title": (
        "job title",
        "jobtitle",
        "position",
        "role",
        "organization title",
        "organisation title",
        "title",
    ),
    "tags": (
        "tags",
        "tag",
        "labels",
        "label",
        "categories",
        "category",
        "groups",
        "group",
    ),
    "groups": ("group membership",),
    "notes": ("notes", "note", "comments", "comment", "description", "remarks"),
    "met_at": ("met at", "where met", "met where", "event"),
    "met_on": ("met on", "date met", "connected on", "first met", "met"),
    "stage": ("stage",),
    "reach": ("reach", "how to reach"),
    "url": (
        "url",
        "urls",
        "profile url",
        "linkedin",
        "linkedin url",
        "website",
        "web page",
        "homepage",
        "web pages",
    ),
    "mention": ("mention",),
    "needs": ("needs",),
    "offers": ("offers",),
}
# Fields fed by every matching column (a sheet may have Email 1, Email 2, ...).
GATHERED = frozenset({"email", "phone", "tags", "groups", "notes", "url"})
# Google marks its own labels with "* " ("* myContacts", "* starred"); the user's have none.
_GOOGLE_SYSTEM_LABEL = "* "
# Words that qualify a column without changing what it holds.
_QUALIFIERS = frozenset(
    {
        "value",
        "address",
        "number",
        "primary",
        "work",
        "home",
        "other",
        "personal",
        "business",
        "main",
        "private",
        "secondary",  # Thunderbird's "Secondary Email"
        "the",
    }
)
_NAME_FIELDS = ("name", "first", "middle", "last", "email")
_DELIMITERS = ",;\t"

CSV_COLUMNS = (
    "Name",
    "Company",
    "Title",
    "Emails",
    "Phones",
    "Tags",
    "Met at",
    "Met on",
    "Stage",
    "Reach",
    "Mention",
    "Needs",
    "Offers",
    "Notes",
    "URLs",
)


# A spreadsheet runs a cell that starts with one of = + - @ tab CR as a formula
# (`=HYPERLINK(...)` from an imported vCard would be a live link). The usual rule puts an
# apostrophe in front; apostrophes already in front of one get one more, so that netui's own
# import can take exactly one away and a round trip gives back the same text.
_FORMULA_START = re.compile(r"'*[=+\-@\t\r]")


def guard_formula(cell: str) -> str:
    """The cell as a spreadsheet shows it but never runs it (`+1 555` -> `'+1 555`)."""
    return "'" + cell if _FORMULA_START.match(cell) else cell


def unguard_formula(cell: str) -> str:
    """What `guard_formula` was given: applied only to netui's own export (its exact header)."""
    return cell[1:] if cell.startswith("'") and _FORMULA_START.match(cell, 1) else cell


def normalise_header(header: str) -> str:
    """'E-mail 2 Address' -> 'email': the words that say what the column holds."""
    text = header.casefold().replace("e-mail", "email")
    words = re.sub(r"[\W_]+", " ", text).split()
    return " ".join(w for w in words if not w.isdigit() and w not in _QUALIFIERS)


def map_columns(header: list[str]) -> dict[str, list[int]]:
    """Field -> the columns that feed it (best spelling first for single-valued fields)."""
    found: dict[str, list[tuple[int, int]]] = {}
    for column, text in enumerate(header):
        key = normalise_header(text)
        for field_name, spellings in SPELLINGS.items():
            if key in spellings:
                found.setdefault(field_name, []).append((spellings.index(key), column))
                break
    columns = {}
    for field_name, hits in found.items():
        if field_name in GATHERED:
            columns[field_name] = [column for _, column in hits]
        else:
            columns[field_name] = [min(hits)[1]]
    return columns


def guess_delimiter(first_line: str) -> str:
    """The header's most frequent of comma, semicolon (European Excel) and tab."""
    return max(_DELIMITERS, key=first_line.count)


def read_csv(text: str, origin: str = "", first_line: int = 1) -> list[Incoming]:
    """Contacts from CSV text with a header row; BadRecords names each bad or mended line."""
    return strictly(scan_csv(text, origin, first_line))


def scan_csv(text: str, origin: str = "", first_line: int = 1) -> Bundle:
    """Contacts from CSV text with a header row, and a report of the lines left out.

    A row with nothing to file it under (LinkedIn writes `,,,,,,05 Feb 2024` for a hidden
    profile) is counted, not listed one by one; any other bad row is listed by line.
    """
    prefix = f"{origin}: " if origin else ""
    # The csv module refuses a cell over 128 KB; a 5 MB note is read, then cut to the import
    # limits (limits.py) with a line in the report, instead of failing the whole file.
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    delimiter = guess_delimiter(text.split("\n", 1)[0])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    offset = first_line - 1
    bundle = Bundle()
    nameless: list[int] = []
    try:
        header = next(reader, [])
        columns = map_columns(header)
        own = tuple(header) == CSV_COLUMNS
        if not any(f in columns for f in _NAME_FIELDS):
            raise BadRecords([f"{prefix}line {first_line}: no name or email column in the header"])
        end = reader.line_num
        identity = _identity_columns(columns)
        for row in reader:
            number = offset + end + 1
            where = f"{prefix}line {number}"
            end = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if not any(row[i].strip() for i in identity if i < len(row)):
                nameless.append(number)
                continue
            try:
                contact, mended = _contact(row, columns, len(header), own)
            except ValidationError as exc:
                bundle.skipped.append((where, f"skipped: {exc}"))
                continue
            bundle.contacts.append(Incoming(contact, where))
            bundle.repaired += [(where, problem) for problem in mended]
    except csv.Error as exc:
        bundle.skipped.append(
            (f"{prefix}line {offset + reader.line_num}", f"{exc}; read no further")
        )
    if nameless:
        lines = (
            f"line {nameless[0]}" if len(nameless) == 1 else f"lines {nameless[0]}-{nameless[-1]}"
        )
        why = "with no name, email or phone skipped (a hidden profile?)"
        bundle.skipped.append(
            (f"{prefix}{lines}", f"{len(nameless)} row{'s' if len(nameless) > 1 else ''} {why}")
        )
    return usable(bundle, origin)


def _identity_columns(columns: dict[str, list[int]]) -> list[int]:
    fields = (*_NAME_FIELDS, "company", "phone")
    return [i for name in fields for i in columns.get(name, ())]


def _contact(
    row: list[str], columns: dict[str, list[int]], width: int, own: bool
) -> tuple[Contact, list[str]]:
    """The row's contact, and what had to be mended to read it; `own` (netui's export)
    takes cells exactly as written."""
    read = unguard_formula if own else clean_text
    if len(row) > width and any(cell.strip() for cell in row[width:]):
        raise ValidationError(
            f"{len(row)} cells but the header has {width} (a comma that needs quotes?)"
        )

    def cells(field_name: str) -> list[str]:
        return [read(row[i]) for i in columns.get(field_name, ()) if i < len(row)]

    def cell(field_name: str) -> str:
        found = cells(field_name)
        return found[0] if found else ""

    def listed(field_name: str, separators: tuple[str, ...] = (";", ",", ":::")) -> list[str]:
        return unique([v for text in cells(field_name) for v in split_list(text, separators)])

    emails: list[str] = []
    not_emails: list[str] = []
    for value in listed("email"):  # netui's own export: kept exactly as it was written
        (emails if own or is_email(value) else not_emails).append(value)
    mended = [f"{one_line(v, 40)} is not an email address; kept as a note" for v in not_emails]
    phones = unique(p for text in cells("phone") for p in split_phones(text))
    company = cell("company")
    parts = (cell("first"), cell("middle"), cell("last"))
    name = cell("name") or " ".join(part for part in parts if part)
    urls = listed("url", (";", " ", ":::"))
    notes = [*cells("notes"), *(f"Email column held {v}" for v in not_emails)]
    labels = listed("tags", (";", ",", ":::")) + listed("groups", (":::",))
    # Google's own labels start "* "; in netui's own export such a tag is the user's own.
    tags = unique(labels if own else _user_labels(labels))
    contact = Contact(
        name=fallback_name(name, company, emails, phones),
        company=company,
        title=cell("title"),
        emails=unique(emails),
        phones=phones,
        tags=tags,
        notes="\n\n".join(text for text in notes if text),
        met_at=cell("met_at"),
        met_on=_date(cell("met_on"), mended),
        stage=Stage.parse(cell("stage")) if cell("stage") else Stage.MET,
        reach=cell("reach"),
        mention=cell("mention"),
        needs=listed("needs", (";",)),
        offers=listed("offers", (";",)),
        urls=urls,
        external_ids=[f"linkedin:{profile_key(u)}" for u in urls if profile_key(u)],
    )
    return contact, mended


def split_phones(text: str) -> list[str]:
    """A phone cell's numbers: ";" or ":::" between numbers, but ";ext=102" stays on its number."""
    parts = split_list(text, (";", ":::"))
    phones: list[str] = []
    for part in parts:
        if phones and part.casefold().startswith(("ext", "x=")):
            phones[-1] += f";{part}"
        else:
            phones.append(part)
    return phones


def profile_key(url: str) -> str | None:
    """A LinkedIn profile URL in one spelling (scheme, www, case, trailing / dropped)."""
    match = _LINKEDIN_PROFILE.search(url)
    return f"linkedin.com/in/{match.group(1).casefold()}" if match else None


_LINKEDIN_PROFILE = re.compile(r"linkedin\.com/in/([^/?#\s]+)", re.IGNORECASE)


def _user_labels(labels: list[str]) -> list[str]:
    """Tags and groups without Google's own labels ("* myContacts", "* starred")."""
    return [label for label in labels if not label.startswith(_GOOGLE_SYSTEM_LABEL)]


def _date(text: str, mended: list[str]) -> date | None:
    """The date, or None with a line in `mended` when it cannot be read (the rest can)."""
    if not text:
        return None
    try:
        return parse_loose_date(text)
    except ValueError as exc:
        mended.append(f"{exc}; date left out")
        return None


def write_csv(contacts: Iterable[Contact]) -> str:
    """One row per contact under CSV_COLUMNS; lists joined with '; '; formulas neutralised."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for c in contacts:
        row = [
            c.name,
            c.company,
            c.title,
            "; ".join(c.emails),
            "; ".join(c.phones),
            "; ".join(c.tags),
            c.met_at,
            c.met_on.isoformat() if c.met_on else "",
            c.stage.value,
            c.reach,
            c.mention,
            "; ".join(c.needs),
            "; ".join(c.offers),
            c.notes,
            " ".join(c.urls),
        ]
        writer.writerow([guard_formula(cell) for cell in row])
    return buffer.getvalue()
