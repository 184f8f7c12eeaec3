"""Import and export against a real database: merging, idempotence, all or nothing, round trips."""

from __future__ import annotations

import shutil
import sys
from datetime import date
from pathlib import Path

import icalendar
import pytest

from netui.cli import main
from netui.cli.progress import ProgressBar, progress_on_stderr
from netui.core.config import Settings
from netui.core.db.store import Store
from netui.core.errors import StalePlan, UnreadableFile
from netui.core.io.importer import apply, plan_import
from netui.core.model import Channel, Contact, Conversation, Referral, Stage

FIXTURES = Path(__file__).parent / "fixtures"
IMPORTABLE = [
    "phone_21.vcf",
    "apple_30.vcf",
    "modern_40.vcf",
    "vcf_folder",
    "linkedin_connections.csv",
    "google_contacts.csv",
    "outlook.csv",
    "semicolons.csv",
]


def snapshot(db_path: Path) -> tuple[dict, list, list]:
    """Every record in the database, as plain data."""
    with Store.open(db_path, settings=Settings()) as store:
        return (
            {cid: c.to_dict() for cid, c in store.contacts_by_id.items()},
            sorted((c.to_dict() for c in store.all_conversations()), key=lambda c: c["id"]),
            sorted((r.to_dict() for r in store.referrals()), key=lambda r: r["id"]),
        )


def files_of(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize("fixture", IMPORTABLE)
def test_importing_the_same_file_twice_adds_nothing(cli, db_path, fixture):
    code, out, _ = cli("import", str(FIXTURES / fixture))
    assert code == 0 and " 0 errors" in out
    first = snapshot(db_path)
    assert first[0], "the first import added contacts"
    code, out, _ = cli("import", str(FIXTURES / fixture))
    assert code == 0
    assert f"0 added, 0 merged, {len(first[0])} skipped" in out
    assert snapshot(db_path) == first


def test_dry_run_reports_each_record_with_a_reason_and_writes_nothing(cli, db_path, store):
    store.add_contact(Contact(name="Tomás Ruiz", emails=["TOMAS@example.com"]))
    store.close()
    before = files_of(db_path)
    code, out, _ = cli("import", str(FIXTURES / "linkedin_connections.csv"), "--dry-run")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "add    line 5: Priya Raman: new contact"
    assert lines[1].startswith(
        "merge  line 6: Tomás Ruiz: into Tomás Ruiz (same email tomas@example.com): adds "
    )
    assert "company" in lines[1] and "tag linkedin" in lines[1]
    assert lines[-1] == "Dry run: 2 added, 1 merged, 0 skipped, 0 errors. Nothing was written."
    assert files_of(db_path) == before


def test_strict_refuses_the_whole_file_for_one_bad_value_and_names_its_line(cli, db_path, store):
    store.add_contact(Contact(name="Someone"))
    store.close()
    before = snapshot(db_path)
    code, out, err = cli("import", "--strict", str(FIXTURES / "bad_date.csv"))
    assert code == 1 and out == ""
    assert "bad_date.csv: line 3: unreadable date 'someday soon'" in err
    assert "nothing imported" in err
    assert snapshot(db_path) == before


def test_a_bad_value_is_left_out_and_reported_with_its_line(cli, db_path):
    code, out, _ = cli("import", str(FIXTURES / "bad_date.csv"))
    assert code == 0
    assert "mended line 3: unreadable date 'someday soon'" in out
    assert "3 added, 0 merged, 0 skipped, 0 errors, 1 mended" in out


def test_strict_refuses_a_broken_vcard_with_its_card_number(cli, db_path):
    code, _, err = cli("import", "--strict", str(FIXTURES / "broken.vcf"))
    assert code == 1 and "card 2 (line 5): line 8: unreadable" in err
    assert snapshot(db_path)[0] == {}


def test_an_unreadable_file_is_one_line_and_leaves_the_database_untouched(cli, db_path, tmp_path):
    binary = tmp_path / "photo.vcf"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe")
    code, out, err = cli("import", str(binary))
    assert code == 1 and out == ""
    assert err == f"netui: error: {binary} is not a text file\n"
    code, _, err = cli("import", str(tmp_path / "missing.csv"))
    assert code == 1 and err.count("\n") == 1 and "No such file" in err
    assert snapshot(db_path)[0] == {}


def test_records_matching_existing_contacts_merge_by_email_phone_or_name_and_company(store):
    by_email = store.add_contact(Contact(name="S. O'Neil", emails=["Siobhan@SJP.example"]))
    by_phone = store.add_contact(Contact(name="J. Müller", phones=["+49 (170) 123-4567"]))
    by_name = store.add_contact(Contact(name="cara  DIAZ", company="initech", title="CFO"))
    seen = {}
    for fixture in ("apple_30.vcf", "phone_21.vcf", "vcf_folder"):
        for entry in plan_import(FIXTURES / fixture, store).entries:
            seen[entry.name] = (entry.action, entry.contact_id, entry.reason)
    action, target, reason = seen["Siobhan O'Neil"]
    assert (action, target) == ("merge", by_email.id)
    assert reason.startswith("into S. O'Neil (same email siobhan@sjp.example): adds email ")
    action, target, reason = seen["Jürgen Müller"]
    assert (action, target) == ("merge", by_phone.id)
    assert "(same phone +49 170 1234567)" in reason
    assert seen["Cara Diaz"] == (
        "skip",
        by_name.id,
        "already in netui (same name Cara Diaz at Initech)",
    )

    apply(plan_import(FIXTURES / "phone_21.vcf", store), store)
    juergen = store.get(by_phone.id)
    assert juergen.name == "J. Müller"  # what the user typed wins
    assert juergen.emails == ["juergen@example.de"]
    assert juergen.phones == ["+49 (170) 123-4567", "+49 30 1234 5678"]  # same digits: once
    assert juergen.company == "Stadtwerke Berlin"
    assert len(store.contacts()) == 4  # André was added, nobody twice
    assert store.get(by_name.id).title == "CFO"


def test_a_file_that_repeats_a_person_adds_them_once(store, tmp_path):
    path = tmp_path / "twice.csv"
    path.write_text("name,email,phone\nAnn Lee,ann@x.example,\nAnn L.,ANN@x.example,555 0100 123\n")
    plan = plan_import(path, store)
    assert [e.action for e in plan.entries] == ["add", "merge"]
    assert "into the new contact from line 2" in plan.entries[1].reason
    apply(plan, store)
    [ann] = store.contacts()
    assert (ann.name, ann.phones) == ("Ann Lee", ["555 0100 123"])


def test_tag_option_tags_added_and_merged_contacts_and_import_never_unarchives(cli, db_path, store):
    old = store.add_contact(Contact(name="Ann Lee", emails=["ann@lee.example"]))
    store.archive(old.id)
    store.close()
    code, out, _ = cli("import", str(FIXTURES / "vcf_folder"), "--tag", "backup 2024")
    assert code == 0 and "2 added, 1 merged" in out
    contacts = {c["name"]: c for c in snapshot(db_path)[0].values()}
    assert contacts["Ann Lee"]["tags"] == ["backup 2024"]
    assert contacts["Ann Lee"]["archived"] is True
    assert contacts["Bob Stone"]["tags"] == ["backup 2024"]


def test_an_import_is_one_undoable_step(cli, db_path):
    cli("import", str(FIXTURES / "google_contacts.csv"))
    assert len(snapshot(db_path)[0]) == 2
    code, out, _ = cli("undo")
    assert code == 0 and "Import google_contacts.csv" in out
    assert snapshot(db_path)[0] == {}


def test_a_plan_made_before_someone_edited_the_contact_is_refused(store):
    ann = store.add_contact(Contact(name="Ann Lee", emails=["ann@lee.example"], tags=["x"]))
    plan = plan_import(FIXTURES / "vcf_folder", store, tag="friends")
    store.update_contact(ann.id, company="Acme")
    with pytest.raises(StalePlan):
        apply(plan, store)
    assert store.get(ann.id).tags == ["x"]


def test_plan_import_raises_for_an_unrecognised_file(store, tmp_path):
    path = tmp_path / "x.txt"
    path.write_text("hello\n")
    with pytest.raises(UnreadableFile):
        plan_import(path, store)


def _populate(store: Store) -> None:
    ann = store.add_contact(
        Contact(name="Ann Lee", company="Acme", emails=["ann@acme.example"], tags=["pycon"],
                met_on=date(2026, 10, 1), needs=["a designer"], cadence_days=21)
    )  # fmt: skip
    bob = store.add_contact(Contact(name="Bob 李", phones=["+86 10 1234 5678"]))
    cara = store.add_contact(Contact(name="Cara [b]Diaz\x1b[31m", notes="<script>"))
    store.set_stage(ann.id, Stage.THANKED, date(2026, 10, 2))
    store.set_stage(ann.id, Stage.CALLED, date(2026, 10, 9))
    store.log(Conversation(ann.id, date(2026, 10, 9), channel=Channel.CALL, note="Talked"))
    store.log(Conversation(bob.id, date(2026, 11, 1), correspondence=["Dear Bob,\n..."]))
    store.add_referral(Referral(ann.id, bob.id, date(2026, 10, 9), note="try Bob"))
    store.archive(cara.id)
    store.snooze(bob.id, date(2026, 12, 1))


def test_json_export_then_import_into_an_empty_database_gives_the_same_data(
    cli, db_path, store, tmp_path
):
    _populate(store)
    store.close()
    original = snapshot(db_path)
    export = tmp_path / "backup.json"
    assert cli("export", str(export))[0] == 0
    copy = tmp_path / "copy"
    assert main(["--db", str(copy), "import", str(export)]) == 0
    assert snapshot(copy) == original
    # And a second restore over the copy changes nothing.
    assert main(["--db", str(copy), "import", str(export)]) == 0
    assert snapshot(copy) == original


def test_json_from_another_database_merges_people_already_here(cli, db_path, tmp_path):
    other = tmp_path / "other"
    with Store.open(other, settings=Settings()) as store:
        ann = store.add_contact(Contact(name="Ann Lee", emails=["ann@acme.example"]))
        store.log(Conversation(ann.id, date(2026, 11, 20), note="lunch"))
    main(["--db", str(other), "export", str(tmp_path / "other.json")])
    cli("add", "Ann", "--email", "ANN@acme.example")
    code, out, _ = cli("import", str(tmp_path / "other.json"))
    assert code == 0 and "0 added, 1 merged" in out and "1 conversations added" in out
    contacts, conversations, _ = snapshot(db_path)
    [here] = contacts.values()
    assert here["name"] == "Ann" and here["last_contact_on"] == "2026-11-20"
    assert [c["contact_id"] for c in conversations] == [here["id"]]


@pytest.mark.parametrize(("suffix", "fields"), [
    (".vcf", ("name", "company", "title", "emails", "phones", "tags", "notes")),
    (".csv", ("name", "company", "title", "emails", "phones", "tags", "notes", "met_at",
              "met_on", "stage", "reach", "mention", "needs", "offers")),
])  # fmt: skip
def test_vcard_and_csv_round_trip_contact_fields(cli, db_path, store, tmp_path, suffix, fields):
    _populate(store)
    store.close()
    export = tmp_path / f"contacts{suffix}"
    code, out, _ = cli("export", str(export), "--archived")
    assert (
        code == 0
        and out == f"Exported 1 contacts to {export} ({suffix[1:].replace('vcf', 'vcard')}).\n"
    )
    cli("export", str(export), "--force")
    copy = tmp_path / "copy"
    assert main(["--db", str(copy), "import", str(export)]) == 0

    def by_name(db: Path) -> dict[str, dict]:
        people = [c for c in snapshot(db)[0].values() if not c["archived"]]
        return {c["name"]: {f: c[f] for f in fields} for c in people}

    assert by_name(copy) == by_name(db_path)


def test_export_filters_formats_and_standard_output(cli, db_path, store, tmp_path):
    _populate(store)
    store.close()
    code, out, _ = cli("export", "-", "--format", "csv", "--stage", "called")
    assert code == 0 and out.count("\n") == 2 and "Ann Lee" in out
    code, out, _ = cli("export", "-", "--format", "vcard", "--tag", "PYCON")
    assert out.count("BEGIN:VCARD") == 1
    code, out, _ = cli("export", "-", "--format", "markdown", "--archived")
    assert "## Cara \\[b\\]Diaz\\\\x1b\\[31m" in out and "\\<script\\>" in out
    code, _, err = cli("export", str(tmp_path / "out.txt"))
    assert code == 1 and "cannot tell the format" in err and "--format" in err
    code, _, err = cli("export", str(tmp_path / "x.csv"), "--stage", "boss")
    assert code == 1 and "unknown stage 'boss'" in err


def test_ics_export_holds_the_follow_up_queue(cli, db_path, store, tmp_path):
    _populate(store)
    store.close()
    target = tmp_path / "followups.ics"
    assert cli("export", str(target))[0] == 0
    calendar = icalendar.Calendar.from_ical(target.read_bytes())
    summaries = sorted(str(e["summary"]) for e in calendar.walk("VEVENT"))
    assert summaries == [
        "Invite to coffee or lunch: Ann Lee",
        "Send a thank-you note: Bob 李",
        "Thank Ann Lee for the introduction to Bob 李: Ann Lee",
    ]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_progress_bar_draws_only_for_big_imports(capsys):
    bar = ProgressBar()
    bar(5, 10)
    assert capsys.readouterr().err == ""
    bar(250, 500)
    bar.clear()
    err = capsys.readouterr().err
    assert "250/500" in err and err.endswith("\r\x1b[K")


def test_folder_import_skips_links_leading_outside(cli, db_path, tmp_path):
    folder = tmp_path / "cards"
    shutil.copytree(FIXTURES / "vcf_folder", folder)
    outside = tmp_path / "outside.vcf"
    outside.write_text("BEGIN:VCARD\nVERSION:3.0\nFN:Outsider\nEND:VCARD\n")
    (folder / "link.vcf").symlink_to(outside)
    code, out, _ = cli("import", str(folder), "--dry-run")
    assert code == 0
    assert "skip   link.vcf: a link leading outside the folder, not followed" in out
    assert "Outsider" not in out


def test_the_bar_is_erased_when_reading_fails(monkeypatch, capsys):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    with pytest.raises(ValueError), progress_on_stderr() as bar:
        assert bar is not None
        bar(250, 500)
        raise ValueError("a broken file")
    assert capsys.readouterr().err.endswith("250/500\r\x1b[K")


def test_no_bar_when_stderr_is_not_a_terminal(monkeypatch, capsys):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False)
    with progress_on_stderr() as bar:
        assert bar is None
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("inside", ["contacts/{shard}", "meta.json", "notes.csv", "link.json"])
def test_an_export_into_the_database_folder_is_refused_and_changes_nothing(
    cli, db_path, store, tmp_path, inside
):
    _populate(store)
    store.close()
    before = snapshot(db_path)
    shard = next((db_path / "contacts").glob("*.json")).name
    (tmp_path / "link.json").symlink_to(db_path / "contacts" / shard)  # a link leading in
    target = (
        tmp_path / "link.json" if inside == "link.json" else db_path / inside.format(shard=shard)
    )
    code, _, err = cli("export", str(target))
    assert code == 1 and "inside the database folder" in err and "Traceback" not in err
    assert snapshot(db_path) == before
    assert not (db_path / "notes.csv").exists()


def test_an_export_over_a_symlink_updates_the_file_it_leads_to(cli, db_path, store, tmp_path):
    _populate(store)
    store.close()
    real = tmp_path / "synced" / "contacts.csv"
    real.parent.mkdir()
    real.write_text("old\n")
    link = tmp_path / "contacts.csv"
    link.symlink_to(real)
    assert cli("export", str(link), "--force")[0] == 0
    assert link.is_symlink() and "Ann Lee" in real.read_text()


def test_an_export_over_a_file_already_there_is_refused_unless_forced(
    cli, db_path, store, tmp_path
):
    _populate(store)
    store.close()
    mine = tmp_path / "contacts.csv"
    mine.write_text("a user's own sheet\n")
    code, out, err = cli("export", str(mine))
    assert code == 1 and out == ""
    assert (
        err == f"netui: error: {mine} already exists; nothing was written (--force replaces it)\n"
    )
    assert mine.read_text() == "a user's own sheet\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["contacts.csv", "db"]  # no temp left
    assert cli("export", str(mine), "--force")[0] == 0
    assert "Ann Lee" in mine.read_text()


def test_an_export_through_a_link_refuses_the_file_it_leads_to_and_makes_a_missing_one(
    cli, db_path, store, tmp_path
):
    _populate(store)
    store.close()
    kept = tmp_path / "kept.csv"
    kept.write_text("kept\n")
    (tmp_path / "to-kept.csv").symlink_to(kept)
    code, _, err = cli("export", str(tmp_path / "to-kept.csv"))
    assert code == 1 and "already exists" in err and kept.read_text() == "kept\n"
    (tmp_path / "to-new.csv").symlink_to(tmp_path / "new.csv")  # leads to nothing yet
    assert cli("export", str(tmp_path / "to-new.csv"))[0] == 0
    assert (tmp_path / "to-new.csv").is_symlink() and "Ann Lee" in (
        tmp_path / "new.csv"
    ).read_text()


@pytest.mark.parametrize("force", [(), ("--force",)])
def test_an_export_to_a_folder_or_a_link_loop_is_one_line_and_changes_nothing(
    cli, db_path, store, tmp_path, force
):
    _populate(store)
    store.close()
    folder = tmp_path / "exports.csv"
    (folder / "inside").mkdir(parents=True)
    code, _, err = cli("export", str(folder), *force)
    assert code == 1 and err == (
        f"netui: error: {folder} is a folder; export to a file in it (a name with an extension)\n"
    )
    assert [p.name for p in folder.iterdir()] == ["inside"]
    loop = tmp_path / "loop.csv"
    loop.symlink_to(loop)
    code, _, err = cli("export", str(loop), *force)
    assert code == 1 and err.count("\n") == 1 and "loop" in err and "Traceback" not in err
