"""`netui search` through the real entry point: output, JSON contract, errors."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date

import pytest

from netui.cli import main
from netui.core.config import Settings
from netui.core.db.store import Store
from netui.core.model import Channel, Contact, Conversation

ANN = Contact("José Álvarez", id="a" * 32, title="Estate lawyer", met_on=date(2024, 3, 5))
EVE = Contact("Eve \x1b[31mRed", id="e" * 32, company="Evil Co", met_on=date(2024, 1, 2))
CONVERSATIONS = [
    Conversation(ANN.id, date(2024, 3, 6), id="1" * 32, note="Estate planning: trusts."),
    Conversation(
        ANN.id, date(2024, 4, 1), id="2" * 32, channel=Channel.EMAIL, note="Golf; estate tax."
    ),
    Conversation(EVE.id, date(2024, 2, 1), id="3" * 32, note="Bell\x07 and estate\x1b[2J"),
]


@pytest.fixture
def search(tmp_path, capsys, frozen_today):
    """Run `netui --db <tmp> search ...` in-process; returns (exit code, stdout, stderr)."""
    db = tmp_path / "db"
    with Store.open(db, settings=Settings()) as store:
        store.import_batch(contacts=[ANN, EVE], conversations=CONVERSATIONS)

    def run(*args: str) -> tuple[int, str, str]:
        code = main(["--db", str(db), "search", *args])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


def test_json_lists_hits_with_the_contract_keys(search):
    code, out, _ = search("estate", "--json")
    assert code == 0
    hits = json.loads(out)
    assert [h["kind"] for h in hits] == ["contact", "conversation", "conversation", "conversation"]
    assert all(
        set(h) == {"contact_id", "name", "kind", "conversation_id", "on", "snippet"} for h in hits
    )
    assert hits[0] == {
        "contact_id": ANN.id,
        "name": "José Álvarez",
        "kind": "contact",
        "conversation_id": None,
        "on": "2024-03-05",
        "snippet": "Estate lawyer",
    }
    assert [h["on"] for h in hits[1:]] == ["2024-04-01", "2024-03-06", "2024-02-01"]
    assert hits[1]["conversation_id"] == "2" * 32


def test_the_query_language_reaches_the_command(search):
    _, out, _ = search("jose estate -golf channel:email", "--json")
    assert json.loads(out) == []
    _, out, _ = search("jose estate -golf", "--json")
    assert [h["conversation_id"] for h in json.loads(out)] == [None, "1" * 32]  # Ann, then c1
    _, out, _ = search('"estate planning"', "--json")
    assert [h["conversation_id"] for h in json.loads(out)] == ["1" * 32]


def test_words_given_as_several_arguments_are_one_query(search):
    _, out, _ = search("estate", "trusts", "--json")
    assert [h["conversation_id"] for h in json.loads(out)] == ["1" * 32]


def test_limit_caps_the_hits_and_says_so(search):
    code, out, err = search("estate", "--limit", "2")
    assert code == 0
    assert len(out.splitlines()) == 2
    assert "--limit 0" in err
    _, out, _ = search("estate", "--limit", "0", "--json")
    assert len(json.loads(out)) == 4


def test_text_output_is_one_line_per_hit_with_control_characters_escaped(search):
    code, out, _ = search("estate")
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 4
    assert lines[0].startswith("2024-03-05  José Álvarez") and "contact: Estate lawyer" in lines[0]
    assert "note: Golf; estate tax." in lines[1]
    assert "\x1b" not in out and "\x07" not in out


def test_no_match_says_so(search):
    assert search("zanzibar") == (0, "No matches.\n", "")
    code, out, _ = search("zanzibar", "--json")
    assert (code, json.loads(out)) == (0, [])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (['"estate planning'], "unclosed quote"),
        (["since:notadate"], "since: invalid date"),
        (["stage:nope"], "unknown stage"),
        (["--", "-golf"], "nothing to search for"),  # `--`: a leading -word is not an option
        (["-golf ,"], "nothing to search for"),  # quoted whole, the shell way
    ],
)
def test_a_bad_query_is_a_one_line_error(search, args, message):
    code, out, err = search(*args)
    assert code != 0 and out == ""
    assert err.startswith("netui: error: ") and err.count("\n") == 1 and message in err
    assert "Traceback" not in err


def test_a_negative_limit_is_refused(search, capsys):
    with pytest.raises(SystemExit) as exited:
        search("estate", "--limit", "-1")
    assert exited.value.code == 2


def test_the_command_does_not_load_the_tui(tmp_path):
    """Whole-process speed: `netui search` must not pay for importing Textual."""
    script = (
        "import sys; from netui.cli import main; "
        f"code = main(['--db', {str(tmp_path / 'db')!r}, 'search', 'x']); "
        "print(code, 'textual' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout.split()[-2:] == ["0", "False"]


def test_an_answer_from_a_current_cache_imports_neither_the_store_nor_the_model(search, tmp_path):
    """Whole-process speed: the model (with dataclasses) and the store were ~13 ms of every
    `netui search`; with the cache current, nothing needs them. A contact's hit still does."""
    assert search("estate")[0] == 0  # builds the cache
    heavy = (
        "netui.core.db.store",
        "netui.core.model",
        "dataclasses",
        "inspect",
        "tinydb",
        "textual",
    )
    contact = ["netui.core.model"]  # its records are plain classes: no dataclasses, inspect
    for query, imported in (("trusts", []), ("golf", []), ("lawyer", contact)):
        script = (
            "import sys; from netui.cli import main; "
            f"code = main(['--db', {str(tmp_path / 'db')!r}, 'search', {query!r}]); "
            f"print(code, sorted(m for m in {heavy!r} if m in sys.modules))"
        )
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
        assert done.stdout.splitlines()[-1] == f"0 {imported}", done.stderr


def test_a_process_writes_every_hit_before_it_exits(tmp_path):
    """The CLI freezes its objects at exit instead of collecting them: nothing it wrote is
    lost on the way out (every line of a large answer reaches the pipe, exit code 0)."""
    db = tmp_path / "db"
    ann = Contact("Ann Lee", id="a" * 32)
    notes = [Conversation(ann.id, date(2024, 1, 1 + i % 28), note=f"tea {i}") for i in range(600)]
    with Store.open(db, settings=Settings()) as store:
        store.import_batch(contacts=[ann], conversations=notes)
    netui = [sys.executable, "-c", "import sys; from netui.cli import main; sys.exit(main())"]
    done = subprocess.run(
        [*netui, "--db", str(db), "search", "tea", "--limit", "0", "--json"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)) == 600


def test_the_database_alone_then_the_store_in_one_context(tmp_path):
    """`ctx.database` (search) and `ctx.store` (the others) in one process: the store opens
    after it (the database's lock is let go first) and both see the same folder."""
    from netui.cli.context import Context

    ctx = Context(str(tmp_path / "db"))
    try:
        database = ctx.database
        assert ctx.database is database  # opened once
        assert ctx.store.add_contact(Contact("Ann Lee")).name == "Ann Lee"  # writes: not locked out
        assert ctx.database is ctx.store.database
    finally:
        ctx.close()
    with Store.open(tmp_path / "db", settings=Settings()) as store:
        assert [c.name for c in store.contacts()] == ["Ann Lee"]
