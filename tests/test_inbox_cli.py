"""The unsorted inbox and the gone-cold group from the command line: list, import, queue,
review, cold, sort; JSON keys; every bulk change undone by one `netui undo`."""

from __future__ import annotations

import json

import pytest

from tests.conftest import error, ok

CSV = "Name,Email,Company\nAnn Lee,ann@example.com,Acme\nBo Chen,bo@example.com,Globex\n"


@pytest.fixture
def netui(cli):  # the command line, in-process, on a fresh database
    return cli


@pytest.fixture
def people(tmp_path):
    path = tmp_path / "people.csv"
    path.write_text(CSV, encoding="utf-8")
    return str(path)


def test_imported_people_are_listed_shown_and_searchable_but_not_due(netui, people):
    out = ok(netui("import", people))
    assert "2 new contacts wait unsorted" in out
    ok(netui("add", "Dana Kim"))  # someone just met: at met, not unsorted
    listed = json.loads(ok(netui("list", "--unsorted", "--json")))
    assert [(c["name"], c["unsorted"]) for c in listed] == [("Ann Lee", True), ("Bo Chen", True)]
    everyone = {c["name"]: c["unsorted"] for c in json.loads(ok(netui("list", "--json")))}
    assert everyone == {"Ann Lee": True, "Bo Chen": True, "Dana Kim": False}
    table = ok(netui("list", "--unsorted"))
    assert "unsorted" in table and "Dana Kim" not in table
    assert json.loads(ok(netui("show", "Ann", "--json")))["unsorted"] is True
    assert "Ann Lee" in ok(netui("search", "acme"))
    due = [i["name"] for i in json.loads(ok(netui("queue", "--on", "+1y", "--json")))]
    assert due == ["Dana Kim"]


def test_import_with_stage_puts_them_on_the_ladder(netui, people):
    ok(netui("import", people, "--stage", "thanked"))
    assert ok(netui("list", "--unsorted")) == "No contacts.\n"
    due = json.loads(ok(netui("queue", "--on", "+7d", "--json")))
    assert [(i["name"], i["action"]) for i in due] == [("Ann Lee", "Call"), ("Bo Chen", "Call")]
    assert "unknown stage 'later'" in error(netui("import", people, "--stage", "later"))


def test_sort_a_group_then_undo(netui, people):
    ok(netui("import", people))
    assert "Ann Lee" in ok(netui("sort", "keep", "company:acme", "--dry-run"))
    assert "Sorted 1 as keep in touch" in ok(netui("sort", "keep", "company:acme"))
    ann = json.loads(ok(netui("show", "Ann", "--json")))
    assert (ann["unsorted"], ann["next_action"]) == (False, "Keep in touch")
    assert ann["keep_since"] == "2026-11-24"
    assert "Undid: Sort as keep in touch: Ann Lee" in ok(netui("undo"))
    assert json.loads(ok(netui("show", "Ann", "--json")))["unsorted"] is True
    assert "No unsorted contacts match" in ok(netui("sort", "met", "nobody-like-this"))


def make_cold(netui) -> None:
    ok(netui("add", "Cold Carl", "--met-on", "2026-06-01"))
    ok(netui("add", "Cold Cleo", "--met-on", "2026-07-01"))
    ok(netui("add", "Warm Wes", "--met-on", "2026-11-20"))


def test_queue_and_review_gather_the_gone_cold_after_today_s_work(netui):
    make_cold(netui)
    out = ok(netui("queue"))
    assert out.index("Warm Wes") < out.index("Gone cold (2)")
    assert "Cold Carl" not in out
    assert "Cold Carl" in ok(netui("queue", "--cold"))
    marked = {i["name"]: i["cold"] for i in json.loads(ok(netui("queue", "--json")))}
    assert marked == {"Cold Carl": True, "Cold Cleo": True, "Warm Wes": False}
    review = {i["name"]: i["cold"] for i in json.loads(ok(netui("review", "--json")))}
    assert review == marked
    text = ok(netui("review"))
    assert "1 overdue, 0 due today" in text and "Gone cold (2)" in text


@pytest.mark.parametrize(
    ("option", "said", "then"),
    [
        (("--snooze", "+2w"), "Snoozed to Tue 8 Dec 2026: 2 contacts", "Send a thank-you note"),
        (("--archive",), "Archived: 2 contacts", None),
        (("--keep",), "Kept in touch", "Keep in touch"),
    ],
)
def test_cold_bulk_actions_are_one_undo_each(netui, option, said, then):
    make_cold(netui)
    assert "Cold Carl" in ok(netui("cold"))
    assert said in ok(netui("cold", *option))
    assert ok(netui("cold")) == "Nothing has gone cold.\n"
    carl = json.loads(ok(netui("show", "Carl", "--json")))
    assert carl["next_action"] == then
    ok(netui("undo"))
    assert [i["name"] for i in json.loads(ok(netui("cold", "--json")))] == [
        "Cold Carl",
        "Cold Cleo",
    ]


def test_cold_refuses_a_snooze_into_the_past_and_two_actions(netui):
    make_cold(netui)
    assert "from today on" in error(netui("cold", "--snooze", "yesterday"))
    with pytest.raises(SystemExit) as exited:  # argparse's usage error
        netui("cold", "--archive", "--keep")
    assert exited.value.code == 2
