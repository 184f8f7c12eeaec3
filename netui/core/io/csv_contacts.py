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
    Incoming,
    clean_text,
    fallback_name,
    parse_loose_date,
    split_list,
    unique,
)
from netui.core.model import Contact, Stage

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
    "url": ("url", "profile url", "linkedin", "linkedin url", "website", "web page", "homepage"),
    "mention": ("mention",),
    "needs": ("needs",),
    "offers": ("offers",),
}
# Fields fed by every matching column (a sheet may have Email 1, Email 2, ...).
GATHERED = frozenset({"email", "phone", "tags", "groups", "notes", "url"})
# Google marks its own groups with "* "; every contact is in "* myContacts".
_GOOGLE_SYSTEM_GROUP = "myContacts"
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
    """Contacts from CSV text with a header row; BadRecords names each bad line."""
    prefix = f"{origin}: " if origin else ""
    # The csv module refuses a cell over 128 KB; a 5 MB note is read, then cut to the import
    # limits (limits.py) with a line in the report, instead of failing the whole file.
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    delimiter = guess_delimiter(text.split("\n", 1)[0])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    offset = first_line - 1
    records: list[Incoming] = []
    problems: list[str] = []
    try:
        header = next(reader, [])
        columns = map_columns(header)
        own = tuple(header) == CSV_COLUMNS
        if not any(f in columns for f in _NAME_FIELDS):
            raise BadRecords([f"{prefix}line {first_line}: no name or email column in the header"])
        end = reader.line_num
        for row in reader:
            where = f"{prefix}line {offset + end + 1}"
            end = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            try:
                records.append(Incoming(_contact(row, columns, len(header), own), where))
            except ValidationError as exc:
                problems.append(f"{where}: {exc}")
    except csv.Error as exc:
        problems.append(f"{prefix}line {offset + reader.line_num}: {exc}")
    if problems:
        raise BadRecords(problems)
    return records


def _contact(row: list[str], columns: dict[str, list[int]], width: int, own: bool) -> Contact:
    """One row as a contact; `own` (netui's export) takes cells exactly as written."""
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

    emails = listed("email")
    phones = listed("phone", (";", ":::"))
    company = cell("company")
    parts = (cell("first"), cell("middle"), cell("last"))
    name = cell("name") or " ".join(part for part in parts if part)
    return Contact(
        name=fallback_name(name, company, emails, phones),
        company=company,
        title=cell("title"),
        emails=emails,
        phones=phones,
        tags=unique(listed("tags") + _google_groups(listed("groups", (":::",)))),
        notes="\n\n".join(text for text in cells("notes") if text),
        met_at=cell("met_at"),
        met_on=_date(cell("met_on")),
        stage=Stage.parse(cell("stage")) if cell("stage") else Stage.MET,
        reach=" ".join(text for text in (cell("reach"), *cells("url")) if text),
        mention=cell("mention"),
        needs=listed("needs", (";",)),
        offers=listed("offers", (";",)),
    )


def _google_groups(groups: list[str]) -> list[str]:
    names = [group.removeprefix("* ").strip() for group in groups]
    return [name for name in names if name and name != _GOOGLE_SYSTEM_GROUP]


def _date(text: str) -> date | None:
    if not text:
        return None
    try:
        return parse_loose_date(text)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None


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
        ]
        writer.writerow([guard_formula(cell) for cell in row])
    return buffer.getvalue()
