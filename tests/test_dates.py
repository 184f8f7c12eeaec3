"""The date forms people type, how dates read back, and that bad input is one clear error."""

from __future__ import annotations

from datetime import date, timedelta

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from netui.core.dates import (
    DATE_RANGE,
    add_days,
    format_date,
    humanize,
    local_timestamp,
    parse_date,
    today,
)
from netui.core.errors import ValidationError

TUESDAY = date(2026, 11, 24)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-24", date(2026, 11, 24)),
        ("2024-02-29", date(2024, 2, 29)),
        ("today", TUESDAY),
        ("yesterday", date(2026, 11, 23)),
        ("tomorrow", date(2026, 11, 25)),
        ("+3d", date(2026, 11, 27)),
        ("3d", date(2026, 11, 27)),
        ("-2w", date(2026, 11, 10)),
        ("+1m", date(2026, 12, 24)),
        ("-1m", date(2026, 10, 24)),
        ("+1y", date(2027, 11, 24)),
        ("+0d", TUESDAY),
        ("in 3 days", date(2026, 11, 27)),
        ("in 1 day", date(2026, 11, 25)),
        ("in 2 weeks", date(2026, 12, 8)),
        ("in 1 month", date(2026, 12, 24)),
        ("3 days ago", date(2026, 11, 21)),
        ("2 weeks ago", date(2026, 11, 10)),
        ("1 month ago", date(2026, 10, 24)),
        ("1 year ago", date(2025, 11, 24)),
    ],
)
def test_parse_date_accepts_each_form(text: str, expected: date) -> None:
    assert parse_date(text, today=TUESDAY) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("friday", date(2026, 11, 27)),
        ("fri", date(2026, 11, 27)),
        ("next friday", date(2026, 11, 27)),
        ("last friday", date(2026, 11, 20)),
        ("monday", date(2026, 11, 30)),
        ("wednesday", date(2026, 11, 25)),
        ("last mon", date(2026, 11, 23)),
        ("thurs", date(2026, 11, 26)),
    ],
)
def test_weekday_names_mean_the_next_or_last_such_day(text: str, expected: date) -> None:
    assert parse_date(text, today=TUESDAY) == expected


def test_a_weekday_named_today_means_a_week_away_not_today() -> None:
    assert parse_date("tuesday", today=TUESDAY) == date(2026, 12, 1)
    assert parse_date("last tuesday", today=TUESDAY) == date(2026, 11, 17)


def test_month_offsets_clamp_to_the_end_of_shorter_months() -> None:
    assert parse_date("+1m", today=date(2026, 1, 31)) == date(2026, 2, 28)
    assert parse_date("+1y", today=date(2024, 2, 29)) == date(2025, 2, 28)


@pytest.mark.parametrize("text", ["  Friday ", "TODAY", "In  3   Days", "2 WEEKS AGO", "+3D"])
def test_case_and_surrounding_whitespace_do_not_matter(text: str) -> None:
    lowered = " ".join(text.split()).lower()
    assert parse_date(text, today=TUESDAY) == parse_date(lowered, today=TUESDAY)


def test_parse_date_returns_a_plain_date_not_a_pendulum_subclass() -> None:
    for text in ("today", "+3d", "friday", "2026-11-24"):
        assert type(parse_date(text, today=TUESDAY)) is date


@pytest.mark.parametrize(
    "text",
    [
        "2026-02-30",
        "2026-13-01",
        "26-11-24",
        "20261124",
        "2026-W48-2",
        "blah",
        "",
        "   ",
        "fridays",
        "last",
        "next today",
        "+3x",
        "3 days",
        "in days",
        "+99999999999y",
        "-5000y",
        "+٣d",
    ],
)
def test_invalid_dates_raise_one_line_validation_error(text: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_date(text, today=TUESDAY)
    message = str(caught.value)
    assert message.startswith("invalid date ")
    assert "use YYYY-MM-DD" in message
    assert "\n" not in message


def test_error_message_quotes_the_input() -> None:
    with pytest.raises(ValidationError, match=r"invalid date '2026-02-30' \(use YYYY-MM-DD"):
        parse_date("2026-02-30", today=TUESDAY)


def test_error_message_stays_short_and_escaped_for_hostile_input() -> None:
    with pytest.raises(ValidationError) as caught:
        parse_date("\x1b[2J" + "x" * 500, today=TUESDAY)
    message = str(caught.value)
    assert "\x1b" not in message
    assert len(message) < 150


def test_today_follows_pendulum_time_travel() -> None:
    with pendulum.travel_to(pendulum.datetime(2026, 11, 24, 9, 30), freeze=True):
        assert today() == TUESDAY
        assert type(today()) is date
        assert parse_date("friday") == date(2026, 11, 27)
        assert humanize(date(2026, 11, 25)) == "tomorrow"


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        (0, "today"),
        (1, "tomorrow"),
        (-1, "yesterday"),
        (2, "in 2 days"),
        (-3, "3 days ago"),
        (7, "in 1 week"),
        (-21, "3 weeks ago"),
        (31, "in 1 month"),
        (-62, "2 months ago"),
        (400, "in 1 year"),
    ],
)
def test_humanize_reads_like_a_person(days: int, expected: str) -> None:
    assert humanize(TUESDAY + timedelta(days=days), today=TUESDAY) == expected


@pytest.mark.parametrize(
    ("d", "expected"),
    [(TUESDAY, "Tue 24 Nov 2026"), (date(2026, 3, 2), "Mon 2 Mar 2026")],
)
def test_format_date_is_short_and_absolute(d: date, expected: str) -> None:
    assert format_date(d) == expected


def test_local_timestamp_converts_utc_to_local_time() -> None:
    with pendulum.test_local_timezone(pendulum.timezone("Europe/Paris")):
        assert local_timestamp("2026-11-24T14:03:00+00:00") == "2026-11-24 15:03"
        assert local_timestamp("2026-07-01T23:30:00Z") == "2026-07-02 01:30"
        assert local_timestamp("2026-11-24T14:03:00") == "2026-11-24 15:03"


@pytest.mark.parametrize("garbage", ["", "garbage", "2026-99-99T00:00:00", "P1D", "2026-11-24"])
def test_local_timestamp_returns_garbage_unchanged(garbage: str) -> None:
    assert local_timestamp(garbage) == garbage


@given(st.text())
def test_parse_date_only_ever_raises_validation_error(text: str) -> None:
    try:
        result = parse_date(text, today=TUESDAY)
    except ValidationError:
        return
    assert type(result) is date


@given(st.integers(min_value=-3000, max_value=3000), st.sampled_from(["d", "w"]))
def test_day_and_week_offsets_are_exact(amount: int, unit: str) -> None:
    days = amount * (7 if unit == "w" else 1)
    assert parse_date(f"{amount:+d}{unit}", today=TUESDAY) == TUESDAY + timedelta(days=days)


@given(st.dates(min_value=DATE_RANGE[0], max_value=DATE_RANGE[1]))
def test_iso_dates_round_trip(d: date) -> None:
    assert parse_date(d.isoformat(), today=TUESDAY) == d


@given(st.dates(max_value=date(1899, 12, 31)) | st.dates(min_value=date(2201, 1, 1)))
def test_dates_outside_the_range_are_one_clear_error(d: date) -> None:
    with pytest.raises(ValidationError, match="out of range"):
        parse_date(d.isoformat(), today=TUESDAY)


@pytest.mark.parametrize("text", ["+300y", "in 200 years", "-200y", "+99999d", "+3650m"])
def test_offsets_that_leave_the_range_are_refused(text: str) -> None:
    with pytest.raises(ValidationError):
        parse_date(text, today=TUESDAY)


def test_add_days_clamps_instead_of_overflowing() -> None:
    assert add_days(date(9999, 12, 31), 10**9) == date.max
    assert add_days(date(1, 1, 1), -5) == date.min
    assert add_days(TUESDAY, 3) == date(2026, 11, 27)


@given(st.integers(min_value=1, max_value=100), st.sampled_from(["day", "week", "month", "year"]))
def test_in_n_units_and_n_units_ago_are_mirror_images(amount: int, unit: str) -> None:
    plural = f"{unit}s" if amount != 1 else unit
    assert parse_date(f"in {amount} {plural}", today=TUESDAY) == parse_date(
        f"+{amount}{unit[0]}", today=TUESDAY
    )
    assert parse_date(f"{amount} {plural} ago", today=TUESDAY) == parse_date(
        f"-{amount}{unit[0]}", today=TUESDAY
    )


@given(st.text())
def test_local_timestamp_never_raises(text: str) -> None:
    assert isinstance(local_timestamp(text), str)


def _pendulum_words(d: date, base: date) -> str:
    """The reference: what humanize said when pendulum did it."""
    import pendulum

    days = (d - base).days
    if days in (-1, 0, 1):
        return {0: "today", 1: "tomorrow", -1: "yesterday"}[days]
    distance = pendulum.Date(d.year, d.month, d.day).diff_for_humans(
        pendulum.Date(base.year, base.month, base.day), absolute=True
    )
    return f"in {distance}" if days > 0 else f"{distance} ago"


def test_humanize_says_what_pendulum_says_around_month_ends_and_leap_days() -> None:
    """Every base day near a month's end or start in two years (a leap year among them),
    against every day up to 14 months either side, and a few years further out."""
    bases = [
        date(year, month, day)
        for year in (2023, 2024)
        for month in range(1, 13)
        for day in (1, 2, 15, 27, 28, 29, 30, 31)
        if day <= (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
    ]
    offsets = [*range(-430, 431), *(sign * (365 * k + extra) for k in (2, 3, 5, 10)
               for extra in (-40, -1, 0, 1, 40, 190) for sign in (-1, 1))]  # fmt: skip
    wrong = [
        (base, offset)
        for base in bases[::3]
        for offset in offsets
        if humanize(base + timedelta(days=offset), today=base)
        != _pendulum_words(base + timedelta(days=offset), base)
    ]
    assert wrong == []
