"""The follow-up queue as an iCalendar file, so the plan shows up in any calendar program.

Each follow-up is an all-day VEVENT (Google Calendar ignores VTODO on import) marked free
time. Its UID is derived from the contact and the kind of follow-up, so importing a newer
export updates the events instead of adding copies. An overdue follow-up is placed on
today: a reminder in the past is one nobody sees.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime

import icalendar

from netui.core.dates import add_days
from netui.core.rules import QueueItem
from netui.core.text import printable

PRODID = "-//netui//follow-ups//EN"


def write_ics(items: Iterable[QueueItem], today: date) -> str:
    """An iCalendar document with one all-day event per follow-up."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "netui follow-ups")
    stamp = datetime.now(UTC).replace(microsecond=0)
    for item in items:
        calendar.add_component(_event(item, today, stamp))
    ical: bytes = calendar.to_ical()
    return ical.decode("utf-8")


def _event(item: QueueItem, today: date, stamp: datetime) -> icalendar.Event:
    day = max(item.due, today)
    event = icalendar.Event()
    event.add("uid", _uid(item))
    event.add("dtstamp", stamp)
    event.add("dtstart", day)
    event.add("dtend", add_days(day, 1))
    event.add("summary", printable(f"{item.action}: {item.contact.name}", keep_newlines=False))
    event.add("description", printable(_description(item, today)))
    event.add("categories", ["netui"])
    event.add("transp", "TRANSPARENT")
    return event


def _uid(item: QueueItem) -> str:
    suffix = f"-{item.referral_id}" if item.referral_id else ""
    return f"{item.contact.id}-{item.kind}{suffix}@netui"


def _description(item: QueueItem, today: date) -> str:
    contact = item.contact
    lines = [f"{item.action} ({contact.name})"]
    if item.due < today:
        lines.append(f"Overdue since {item.due.isoformat()}")
    work = " at ".join(part for part in (contact.title, contact.company) if part)
    if work:
        lines.append(work)
    lines += [f"Email: {email}" for email in contact.emails]
    lines += [f"Phone: {phone}" for phone in contact.phones]
    if contact.reach:
        lines.append(f"Reach: {contact.reach}")
    if contact.mention:
        lines.append(f"Mention: {contact.mention}")
    return "\n".join(lines)
