"""How dates read on screen: the review's lateness in days while days count, then the day."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from netui.tui.format import overdue_words

TODAY = date(2026, 12, 1)


@pytest.mark.parametrize(
    ("late", "words"),
    [
        (0, "due today"),
        (1, "1 day overdue"),
        (13, "13 days overdue"),
        (14, "overdue since Tue 17 Nov 2026 (2 weeks ago)"),
        (3986, "overdue since Sat 2 Jan 2016 (11 years ago)"),
    ],
)
def test_the_review_says_how_late_in_words_a_person_can_place(late: int, words: str) -> None:
    assert overdue_words(TODAY - timedelta(days=late), TODAY) == words
