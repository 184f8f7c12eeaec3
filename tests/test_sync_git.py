"""`netui sync` with real git: two databases and a bare remote in tmp_path."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import time_machine

from netui.cli import main
from netui.core.config import Settings
from netui.core.db import doctor
from netui.core.db.store import Store
from netui.core.model import Contact, Conversation, Stage
from netui.core.sync import git as git_sync

pytestmark = pytest.mark.usefixtures("git_env")


def run(db: Path, *args: str, capsys=None) -> tuple[int, str, str]:
    code = main(["--db", str(db), *args])
    if capsys is None:
        return code, "", ""
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def records(db: Path) -> dict:
    """Everything a user can see in a database (undo, local to each device, left out)."""
    with Store.open(db, settings=Settings()) as store:
        store.load_conversations()
        return {
            "contacts": {c.id: c.to_dict() for c in store.contacts(include_archived=True)},
            "conversations": {c.id: c.to_dict() for c in store.all_conversations()},
            "referrals": {r.id: r.to_dict() for r in store.referrals()},
            "introductions": {i.id: i.to_dict() for i in store.introductions()},
        }


def healthy(db: Path) -> None:
    report = doctor.check(db)
    assert report.findings == [], report.findings


@pytest.fixture
def pair(tmp_path, remote):
    """Device A with Dana Kim (and a diary entry) synced; device B brought from the remote."""
    a, b = tmp_path / "a", tmp_path / "b"
    with Store.open(a, settings=Settings()) as store:
        dana = store.add_contact(Contact(name="Dana Kim", company="Acme", title="CEO"))
        store.log(Conversation(contact_id=dana.id, on=dana.met_on, note="first chat"))
    assert run(a, "sync", "--remote", str(remote))[0] == 0
    assert run(b, "sync", "--remote", str(remote))[0] == 0
    assert records(a) == records(b)
    return a, b


def test_first_sync_sets_up_and_a_new_db_is_brought_from_the_remote(tmp_path, remote, capsys):
    a = tmp_path / "a"
    run(a, "add", "Dana Kim")
    capsys.readouterr()
    code, text, _ = run(a, "sync", "--remote", str(remote), capsys=capsys)
    assert code == 0 and text.startswith("Sync set up with") and "1 change sent" in text
    code, text, _ = run(tmp_path / "b", "sync", "--remote", str(remote), capsys=capsys)
    assert code == 0 and "Brought the database" in text and "1 received" in text
    assert [c["name"] for c in records(tmp_path / "b")["contacts"].values()] == ["Dana Kim"]
    code, text, _ = run(tmp_path / "b", "sync", capsys=capsys)
    assert text.strip() == "0 changes sent, 0 received"
    healthy(a)
    healthy(tmp_path / "b")
    ignored = (a / ".gitignore").read_text()
    for local in (".lock", "journal.json", "*.bak", "backups/", "cache/", "undo.json"):
        assert local in ignored.splitlines()
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=a, capture_output=True, text=True, check=True
    ).stdout.split()
    assert "undo.json" not in tracked and ".lock" not in tracked


def test_sync_without_a_remote_says_how_to_start(tmp_path, capsys):
    run(tmp_path / "a", "add", "Dana Kim")
    code, _, err = run(tmp_path / "a", "sync", capsys=capsys)
    assert code == 1 and "netui sync --remote URL" in err and "Traceback" not in err


@pytest.mark.parametrize("remote", ["--upload-pack=touch {pwned}", "ext::sh -c touch% {pwned}"])
def test_a_remote_that_is_an_option_or_a_command_is_refused(tmp_path, capsys, remote):
    pwned = tmp_path / "pwned"
    run(tmp_path / "a", "add", "Dana Kim")
    code, _, err = run(
        tmp_path / "a", "sync", "--remote", remote.format(pwned=pwned), capsys=capsys
    )
    assert code == 1 and "nothing was changed" in err and "Traceback" not in err
    assert not pwned.exists()
    assert not (tmp_path / "a" / ".git").exists()


def test_an_ext_remote_in_the_config_never_runs_even_when_the_user_allows_every_protocol(
    pair, capsys
):
    a, _ = pair
    pwned = a.parent / "pwned"
    with open(os.environ["GIT_CONFIG_GLOBAL"], "a") as config:
        config.write("[protocol]\n\tallow = always\n")
    subprocess.run(
        ["git", "-C", str(a), "remote", "set-url", "origin", f"ext::sh -c touch% {pwned}"],
        check=True,
    )
    code, _, err = run(a, "sync", capsys=capsys)
    assert code == 1 and "cannot reach" in err
    assert not pwned.exists()


@pytest.mark.parametrize(
    "damage",
    ['{"contacts": {"x": {"name": "Torn", "id": "x"}}, ', '{"contacts": {"x": {"name": "No id"}}}'],
)
def test_a_damaged_file_pushed_by_another_device_is_a_clear_message_and_changes_nothing(
    pair, capsys, damage
):
    a, b = pair
    before = records(a)
    shard = next((b / "contacts").glob("*.json"))
    shard.write_text(damage)
    git = ["git", "-C", str(b)]
    subprocess.run([*git, "commit", "-qam", "a hand edit"], check=True)
    subprocess.run([*git, "push", "-q", "origin", "HEAD:main"], check=True)
    code, _, err = run(a, "sync", capsys=capsys)
    assert code == 1 and "not valid netui data" in err and "Traceback" not in err
    assert records(a) == before
    healthy(a)


def test_a_relative_db_path_syncs(tmp_path, remote, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    run(Path("a"), "add", "Dana Kim")
    code, out, err = run(Path("a"), "sync", "--remote", str(remote), capsys=capsys)
    assert code == 0, err
    assert "1 change sent" in out


def test_only_netui_data_travels_from_a_folder_that_holds_other_files(tmp_path, remote):
    a = tmp_path / "a"
    a.mkdir()
    (a / "tax-return.pdf").write_text("private")
    (a / "notes").mkdir()
    (a / "notes" / "diary.txt").write_text("private")
    assert run(a, "init", "--force")[0] == 0
    run(a, "add", "Dana Kim")
    assert run(a, "sync", "--remote", str(remote))[0] == 0
    sent = subprocess.run(
        ["git", "ls-tree", "-r", "--name-only", "main"],
        cwd=remote, capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    assert "tax-return.pdf" not in sent and "notes/diary.txt" not in sent
    assert "meta.json" in sent and any(p.startswith("contacts/") for p in sent)
    assert ".gitignore" in sent and ".gitattributes" in sent


def test_a_token_in_the_remote_url_is_never_shown(tmp_path, capsys):
    run(tmp_path / "a", "add", "Dana Kim")
    url = "https://me:ghp_SECRET123@127.0.0.1:9/nowhere.git"  # nothing listens on port 9
    code, out, err = run(tmp_path / "a", "sync", "--remote", url, capsys=capsys)
    assert code == 1 and "cannot reach https://me:***@127.0.0.1:9/nowhere.git" in err
    assert "SECRET" not in out + err


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://me:tok@host/r.git", "https://me:***@host/r.git"),
        ("https://me@host/r.git", "https://me@host/r.git"),
        ("git@host:r.git", "git@host:r.git"),
        ("/srv/r.git", "/srv/r.git"),
        ("https://[broken/r.git", "https://[broken/r.git"),
    ],
)
def test_shown_remote_hides_only_a_password(url, shown):
    assert git_sync.shown_remote(url) == shown


@pytest.mark.parametrize("damage", ["[1, 2]", '{"contacts": {"x": {"name": "No id"}}}', "{"])
def test_the_merge_driver_leaves_a_damaged_side_to_the_user(tmp_path, capsys, damage):
    good = '{"contacts": {}}'
    base, ours, theirs = (tmp_path / n for n in ("base", "ours", "theirs"))
    base.write_text(good)
    ours.write_text(good)
    theirs.write_text(damage)
    assert git_sync.merge_driver(base, ours, theirs, "contacts/00.json") == 1
    assert "merge it by hand" in capsys.readouterr().err
    assert ours.read_text() == good


# Each edit: (name, function(store, dana_id) -> what to look for afterwards).
def _add(store, dana_id):
    return ("contact", store.add_contact(Contact(name="Lee Park")).id)


def _title(store, dana_id):
    store.update_contact(dana_id, tags=["sailing"])
    return ("tag", "sailing")


def _stage(store, dana_id):
    store.set_stage(dana_id, Stage.CALLED)
    return ("stage", "called")


def _log(store, dana_id):
    entry = Conversation(contact_id=dana_id, on=date(2026, 11, 30), note="lunch")
    return ("conversation", store.log(entry).id)


def _unlog(store, dana_id):
    store.load_conversations()
    gone = store.conversations_of(dana_id)[-1].id
    store.delete_conversation(gone)
    return ("no conversation", gone)


def _archive(store, dana_id):
    store.archive(dana_id)
    return ("archived", True)


def _introduce(store, dana_id):
    lee = store.add_contact(Contact(name="Lee Park"))
    return ("introduction", store.introduce(dana_id, lee.id, date(2026, 11, 30)).id)


EDITS = {
    "none": None,
    "add": _add,
    "tag": _title,
    "stage": _stage,
    "log": _log,
    "unlog": _unlog,
    "archive": _archive,
    "introduce": _introduce,
}


def _expect(db_records: dict, dana_id: str, want: tuple) -> None:
    what, value = want
    dana = db_records["contacts"][dana_id]
    if what == "contact":
        assert value in db_records["contacts"]
    elif what == "tag":
        assert value in dana["tags"]
    elif what == "stage":
        assert dana["stage"] == value
    elif what == "conversation":
        assert value in db_records["conversations"]
    elif what == "archived":
        assert dana["archived"] is True
    elif what == "introduction":
        assert value in db_records["introductions"]


@pytest.mark.slow
@pytest.mark.parametrize("edit_b", list(EDITS))
@pytest.mark.parametrize("edit_a", list(EDITS))
def test_edits_on_both_sides_in_every_combination_reach_both(pair, edit_a, edit_b):
    a, b = pair
    dana_id = next(iter(records(a)["contacts"]))
    wants = []
    for db, edit in ((a, EDITS[edit_a]), (b, EDITS[edit_b])):
        if edit is not None:
            with Store.open(db, settings=Settings()) as store:
                wants.append(edit(store, dana_id))
    for db in (a, b, a):
        assert run(db, "sync")[0] == 0
    merged = records(a)
    assert merged == records(b)
    for want in wants:
        if want[0] == "no conversation":
            # deleted on one side: gone, unless the other side deleted it too (still gone)
            assert want[1] not in merged["conversations"]
        else:
            _expect(merged, dana_id, want)
    healthy(a)
    healthy(b)


def test_a_field_changed_on_both_sides_keeps_the_other_value_visibly(pair, capsys):
    a, b = pair
    dana_id = next(iter(records(a)["contacts"]))
    with Store.open(a, settings=Settings()) as store:
        store.update_contact(dana_id, title="Founder")
    with (
        time_machine.travel(datetime(2030, 1, 1, tzinfo=UTC), tick=False),
        Store.open(b, settings=Settings()) as store,
    ):
        store.update_contact(dana_id, title="Managing Partner")  # later: it wins
    assert run(a, "sync")[0] == 0
    capsys.readouterr()
    _, text, _ = run(b, "sync", capsys=capsys)
    assert text.strip() == "1 change sent, 1 received, 1 conflict kept on Dana Kim"
    run(a, "sync")
    assert records(a) == records(b)
    capsys.readouterr()
    _code, text, _ = run(a, "show", "Dana", "--json", capsys=capsys)
    shown = json.loads(text)
    assert shown["title"] == "Managing Partner"
    assert [(c["field"], c["value"]) for c in shown["conflicts"]] == [("title", "Founder")]
    _, text, _ = run(a, "show", "Dana", capsys=capsys)
    assert "sync conflict: title was 'Founder'" in text
    healthy(a)
    _, text, _ = run(a, "resolve", "Dana", capsys=capsys)
    assert text.strip() == "Cleared 1 sync conflict of Dana Kim."
    run(a, "sync")
    run(b, "sync")
    assert records(b)["contacts"][dana_id].get("conflicts") is None  # cleared on both


def test_a_plain_git_pull_merges_data_files_by_record(pair):
    a, b = pair
    dana_id = next(iter(records(a)["contacts"]))
    with Store.open(a, settings=Settings()) as store:
        store.update_contact(dana_id, tags=["from-a"])
    run(a, "sync")
    with Store.open(b, settings=Settings()) as store:
        store.update_contact(dana_id, phones=["555 0101"])
        lee = store.add_contact(Contact(name="Lee Park"))
    git = ["git", "-C", str(b)]
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "by hand"], check=True)
    pulled = subprocess.run(  # umask: git writes files by it (the README says so)
        [*git, "pull", "--no-rebase", "-q", "origin", "main"],
        capture_output=True,
        text=True,
        umask=0o077,
    )
    assert pulled.returncode == 0, pulled.stderr
    merged = records(b)
    assert merged["contacts"][dana_id]["tags"] == ["from-a"]
    assert merged["contacts"][dana_id]["phones"] == ["555 0101"]
    assert lee.id in merged["contacts"]
    healthy(b)


def test_offline_remote_is_a_clear_message_and_changes_nothing(pair, capsys):
    a, _ = pair
    run(a, "add", "Lee Park")
    before = records(a)
    (a / ".git" / "config").write_text(
        (a / ".git" / "config").read_text().replace("remote.git", "gone.git")
    )
    capsys.readouterr()
    code, _, err = run(a, "sync", capsys=capsys)
    assert code == 1
    assert "cannot reach" in err and "untouched" in err and "Traceback" not in err
    assert records(a) == before
    healthy(a)


def test_no_git_on_path_is_a_clear_message(pair, monkeypatch, capsys):
    a, _ = pair
    monkeypatch.setenv("PATH", str(a / "nowhere"))
    code, _, err = run(a, "sync", capsys=capsys)
    assert code == 1 and "no `git` command on PATH" in err


KILL_GIT = """#!/bin/sh
# Dies with the netui that runs it when git is asked for $NETUI_KILL_AT (once).
sub="" prev=""
for arg in "$@"; do  # the subcommand: the first word that is not `-c NAME=VALUE`
    if [ "$arg" != "-c" ] && [ "$prev" != "-c" ]; then sub="$arg"; break; fi
    prev="$arg"
done
if [ "$sub" = "$NETUI_KILL_AT" ] && [ ! -e "$NETUI_KILL_ONCE" ]; then
    : > "$NETUI_KILL_ONCE"
    [ "$sub" = "add" ] && : > "$GIT_DIR/index.lock"   # as if git died holding its lock
    kill -9 "$PPID"
    exit 1
fi
exec "$NETUI_REAL_GIT" "$@"
"""


@pytest.mark.slow
@pytest.mark.parametrize(
    "kill_at", ["add", "commit", "fetch", "cat-file", "write-tree", "update-ref", "push"]
)
def test_a_sync_killed_at_any_point_leaves_a_db_that_opens_and_a_sync_that_completes(
    pair, tmp_path, kill_at
):
    a, b = pair
    dana_id = next(iter(records(a)["contacts"]))
    with Store.open(b, settings=Settings()) as store:
        store.update_contact(dana_id, title="From B")
    run(b, "sync")
    with Store.open(a, settings=Settings()) as store:
        store.update_contact(dana_id, tags=["from-a"])
        lee = store.add_contact(Contact(name="Lee Park"))
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "git").write_text(KILL_GIT)
    (fake / "git").chmod(0o755)
    env = {
        **os.environ,
        "PATH": f"{fake}{os.pathsep}{os.environ['PATH']}",
        "NETUI_KILL_AT": kill_at,
        "NETUI_KILL_ONCE": str(tmp_path / "killed"),
        "NETUI_REAL_GIT": subprocess.run(
            ["sh", "-c", "command -v git"], capture_output=True, text=True
        ).stdout.strip(),
    }
    done = subprocess.run(
        [sys.executable, "-m", "netui", "--db", str(a), "sync"], env=env, capture_output=True
    )
    assert (tmp_path / "killed").exists(), done.stderr
    assert done.returncode == -9
    records(a)  # the database opens
    assert run(a, "sync")[0] == 0
    assert run(b, "sync")[0] == 0
    merged = records(b)
    assert merged == records(a)
    assert merged["contacts"][dana_id]["title"] == "From B"
    assert merged["contacts"][dana_id]["tags"] == ["from-a"]
    assert lee.id in merged["contacts"]
    healthy(a)
    healthy(b)
