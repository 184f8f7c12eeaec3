"""How user text and dates look on screen: always literal, never parsed as markup."""

from __future__ import annotations

from datetime import date

from netui.core import dates
from netui.core.text import one_line, printable


def safe(text: str) -> str:
    """User text for one line on screen: control characters escaped, line breaks folded."""
    return one_line(text)


def safe_block(text: str) -> str:
    """User text that may span lines: control characters escaped, line breaks kept."""
    return printable(text.replace("\r\n", "\n").replace("\t", "    "))


def due_short(due: date, today: date) -> str:
    """A due date in at most 8 cells, for a table column: 'today', '3d late', 'in 2w'."""
    days = (due - today).days
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days < 0:
        late = -days
        if late < 100:
            return f"{late}d late"
        return f"{late // 7}w late" if late < 700 else f"{late // 365}y late"  # "375w late" was 9
    if days < 14:
        return f"in {days}d"
    if days < 100:
        return f"in {days // 7}w"
    return f"in {days // 30}mo"


def overdue_words(due: date, today: date) -> str:
    """How late a follow-up is, as the review says it: days while they count, then the day it
    was due ("3986 days overdue" read as a number nobody can place)."""
    late = (today - due).days
    if late <= 0:
        return "due today"
    if late < 14:
        return f"{late} day{'s' if late > 1 else ''} overdue"
    return f"overdue since {dates.format_date(due)} ({dates.humanize(due, today)})"


def ago_short(day: date | None, today: date) -> str:
    """How long ago, in a few cells: 'today', '3d ago', '5w ago'; '' for never."""
    if day is None:
        return ""
    days = (today - day).days
    if days <= 0:
        return "today"
    if days < 14:
        return f"{days}d ago"
    if days < 100:
        return f"{days // 7}w ago"
    return f"{days // 30}mo ago"


MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def short_date(day: date, today: date) -> str:
    """'3 Mar' this year, '3 Mar 2024' otherwise; English whatever the locale."""
    text = f"{day.day} {MONTHS[day.month - 1]}"
    return text if day.year == today.year else f"{text} {day.year}"
