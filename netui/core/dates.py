"""Dates as people type and read them: "friday", "+3d", "2 weeks ago", "in 3 days".

Follow-ups are planned in days, so everything here works on plain `datetime.date`.
Tests freeze "today" with `pendulum.travel_to` (time-machine patches the clock). Pendulum
does the calendar arithmetic of parsing (month ends, leap years), imported only when needed
so that a one-shot command starts fast; humanizing copies its words in plain Python.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, cast

from netui.core.errors import ValidationError
from netui.core.text import one_line

if TYPE_CHECKING:
    import pendulum

_SHOWN_CELLS = 40  # keep the one-line error one line even for pasted essays

# The dates netui accepts anywhere (typed, imported, read back from a hand-edited file).
# A met-on of 9999-12-31 once made every "due date = day + N days" overflow (issue 17);
# with days this side of 2200 and every interval bounded (config.py), no sum can.
DATE_RANGE = (date(1900, 1, 1), date(2200, 12, 31))
_HELP = "use YYYY-MM-DD, today, +3d, friday, 2 weeks ago, ..."

_UNIT = r"(d|days?|w|weeks?|m|months?|y|years?)"


@lru_cache(maxsize=1)
def _forms() -> tuple[re.Pattern[str], ...]:
    """The typed forms: an ISO date, +3d, in 2 weeks, 2 weeks ago, next friday. Compiled at
    the first date typed (which imports pendulum too), not in every command's start-up
    (~0.8 ms: `netui add` and `netui log` mostly take no date)."""
    return tuple(
        re.compile(pattern, re.ASCII)
        for pattern in (
            r"(\d{4})-(\d{2})-(\d{2})",
            r"([+-]?)(\d+)([dwmy])",
            rf"in\s+(\d+)\s*{_UNIT}",
            rf"(\d+)\s*{_UNIT}\s+ago",
            r"(?:(next|last)\s+)?([a-z]+)",
        )
    )


_PENDULUM_UNITS = {"d": "days", "w": "weeks", "m": "months", "y": "years"}
_NAMED_DAYS = {"today": 0, "tomorrow": 1, "yesterday": -1}
_WEEKDAYS = {
    name: number
    for number, full in enumerate(
        ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    )
    for name in (full, full[:3])
}
_WEEKDAYS.update({"tue": 1, "tues": 1, "thu": 3, "thur": 3, "thurs": 3})


def today() -> date:
    """The local calendar date (`pendulum.travel_to` freezes it too: it patches the clock)."""
    return date.today()


def _or_today(given: date | None) -> date:
    """The reference day: the caller's, else the real one (the parameter hides `today()`)."""
    return given if given is not None else today()


def parse_date(text: str, today: date | None = None) -> date:
    """Read a date typed on the command line or in a search; raise ValidationError if unreadable."""
    base = _or_today(today)
    cleaned = " ".join(text.split()).lower()
    import pendulum  # only here and in humanizing: most commands never need it

    try:
        parsed = _parse_cleaned(cleaned, pendulum.Date(base.year, base.month, base.day))
    except (ValueError, OverflowError):
        parsed = None
    if parsed is None:
        shown = one_line(text, _SHOWN_CELLS)
        raise ValidationError(f"invalid date {shown!r} ({_HELP})")
    return check_date(_plain(parsed))


def check_date(day: date, what: str = "date") -> date:
    """`day` if netui accepts it (inside DATE_RANGE), else a one-line ValidationError."""
    first, last = DATE_RANGE
    if not first <= day <= last:
        raise ValidationError(
            f"{what} {day.isoformat()} is out of range (use a date from {first} to {last})"
        )
    return day


def add_days(day: date, days: int) -> date:
    """`day` plus `days`, clamped to the calendar's ends instead of raising OverflowError.

    Stored dates are checked on the way in, but a due date is computed: this keeps a command
    or the TUI running whatever a hand-edited file holds."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.max if days > 0 else date.min


def _parse_cleaned(text: str, base: pendulum.Date) -> date | None:
    """Try each accepted form in turn; None when none matches."""
    iso, short_offset, in_future, in_past, weekday = _forms()
    if match := iso.fullmatch(text):
        return date(*(int(part) for part in match.groups()))
    if text in _NAMED_DAYS:
        return base.add(days=_NAMED_DAYS[text])
    if match := short_offset.fullmatch(text):
        sign, amount, unit = match.groups()
        return _shift(base, -int(amount) if sign == "-" else int(amount), unit)
    if match := in_future.fullmatch(text):
        return _shift(base, int(match[1]), match[2])
    if match := in_past.fullmatch(text):
        return _shift(base, -int(match[1]), match[2])
    if (match := weekday.fullmatch(text)) and match[2] in _WEEKDAYS:
        day = cast("pendulum.WeekDay", _WEEKDAYS[match[2]])  # an int does
        if match[1] == "last":
            return base.previous(day)
        return base.next(day)
    return None


def _shift(base: pendulum.Date, amount: int, unit: str) -> date:
    """Move by whole units; pendulum clamps month ends (31 Jan + 1m = 28/29 Feb)."""
    return base.add(**{_PENDULUM_UNITS[unit[0]]: amount})


def humanize(d: date, today: date | None = None) -> str:
    """Say how far a date is from today, the way a person would ("in 2 days", "3 weeks ago")."""
    return _humanize(d, _or_today(today))


@lru_cache(maxsize=16384)
def _humanize(d: date, base: date) -> str:
    """Cached: a list of 10,000 contacts shares a few thousand distinct due dates.

    Pendulum's words (`diff_for_humans(absolute=True)`) worked out in plain Python: the
    import and one pendulum call per date took ~100 ms of a 10,000-row `netui list`.
    tests/test_dates.py holds the two equal for every pair of dates over years."""
    days = (d - base).days
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days == -1:
        return "yesterday"
    distance = _distance(min(d, base), max(d, base))
    return f"in {distance}" if days > 0 else f"{distance} ago"


_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _month_days(year: int, month: int) -> int:
    leap = month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    return _MONTH_DAYS[month - 1] + leap


def _distance(start: date, end: date) -> str:
    """'3 weeks', '1 month', '2 years': pendulum's calendar difference and its rounding."""
    years, months, days = end.year - start.year, end.month - start.month, end.day - start.day
    if days < 0:  # borrow from the month before `end`, as pendulum's precise_diff does
        before = (end.year, end.month - 1) if end.month > 1 else (end.year - 1, 12)
        in_last = _month_days(*before)
        in_this = _month_days(end.year, end.month)
        if days < in_this - in_last:
            days += start.day if in_last < start.day else in_last
        elif days == in_this - in_last:
            days, months = 0, months + 1
        else:
            days += in_last
        months -= 1
    if months < 0:
        months, years = months + 12, years - 1
    if years > 0:
        unit, count = "year", years + (months > 6)
    elif months == 11 and days > 15:
        unit, count = "year", 1
    elif months > 0:
        unit, count = "month", months + (days >= 27)
    elif days >= 7:
        unit, count = "week", days // 7 + (days % 7 > 3)
    else:
        unit, count = "day", days
    count = count or 1
    return f"{count} {unit}" if count == 1 else f"{count} {unit}s"


_DAY_ABBR = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def format_date(d: date) -> str:
    """A short absolute date in English whatever the system locale, e.g. "Mon 24 Nov 2026".

    Plain Python, not pendulum: printing a date must not cost a 30 ms import."""
    return f"{_DAY_ABBR[d.weekday()]} {d.day} {_MONTH_ABBR[d.month - 1]} {d.year}"


def local_timestamp(iso_utc: str) -> str:
    """Show a stored UTC timestamp in local time; garbage comes back unchanged, never raises."""
    import pendulum

    try:
        moment = pendulum.parse(iso_utc, exact=True)
    except (ValueError, TypeError, OverflowError):
        return iso_utc
    if not isinstance(moment, pendulum.DateTime):
        return iso_utc
    return moment.in_tz(pendulum.local_timezone()).format("YYYY-MM-DD HH:mm")


def _plain(d: date) -> date:
    """Drop pendulum's subclass so equality, hashing and JSON behave like any date."""
    return date(d.year, d.month, d.day)
