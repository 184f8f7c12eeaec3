"""LinkedIn's Connections.csv: a CSV behind a "Notes:" preamble, met on LinkedIn.

LinkedIn prepends a paragraph about missing email addresses before the header row, starts
the file with a byte-order mark (removed when the file is decoded), leaves most emails
empty and writes "Connected On" as "12 Mar 2024" (in 2018: "1/8/18, 6:14 PM"), which
becomes the date met. A hidden profile is a row of empty cells but the date: skipped and
counted. The profile URL is kept as a web page and as the person's LinkedIn id.
"""

from __future__ import annotations

from netui.core.errors import BadRecords
from netui.core.io.csv_contacts import scan_csv
from netui.core.io.records import Bundle, Incoming, strictly

MET_AT = "LinkedIn"
TAG = "linkedin"
_HEADER_MARKERS = ("first name", "last name")


def header_line(text: str) -> int | None:
    """The index of the line holding the column names, after any preamble."""
    for index, line in enumerate(text.split("\n")[:50]):
        folded = line.casefold()
        if all(marker in folded for marker in _HEADER_MARKERS):
            return index
    return None


def read_linkedin(text: str, origin: str = "") -> list[Incoming]:
    """Connections as contacts met on LinkedIn, tagged `linkedin`; BadRecords if any is bad."""
    return strictly(scan_linkedin(text, origin))


def scan_linkedin(text: str, origin: str = "") -> Bundle:
    """Connections as contacts met on LinkedIn, tagged `linkedin`, and the rows left out."""
    start = header_line(text)
    if start is None:
        where = f"{origin}: " if origin else ""
        raise BadRecords([f"{where}no 'First Name,Last Name,...' header line found"])
    body = "\n".join(text.split("\n")[start:])
    bundle = scan_csv(body, origin, first_line=start + 1)
    for record in bundle.contacts:
        contact = record.contact
        contact.met_at = contact.met_at or MET_AT
        if TAG not in (tag.casefold() for tag in contact.tags):
            contact.tags.append(TAG)
    return bundle
