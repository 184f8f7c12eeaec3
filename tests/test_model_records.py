"""The records are plain slotted classes (`model.Record`), not dataclasses: what the
dataclasses gave them must hold (equality by value, a repr of every field, unhashable,
`replace` through `__init__`), and a record's dict keeps the order the files hold."""

from __future__ import annotations

from datetime import date

import pytest

from netui.core.errors import ValidationError
from netui.core.model import Contact, Conversation, Introduction, Referral
from netui.core.rules import NextAction, QueueItem


def test_records_are_equal_by_value_and_of_the_same_class_only() -> None:
    ann = Contact(name="Ann Lee", company="Pine")
    twin = Contact.from_dict(ann.to_dict())
    assert twin == ann and twin is not ann
    assert ann.replace(company="Oak") != ann
    assert NextAction("Call", date(2026, 1, 2)) == NextAction("Call", date(2026, 1, 2))
    assert NextAction("Call", date(2026, 1, 2)) != ("Call", date(2026, 1, 2), False)
    with pytest.raises(TypeError):
        hash(ann)


def test_replace_makes_a_new_record_through_init() -> None:
    ann = Contact(name="Ann Lee", tags=["a"])
    moved = ann.replace(name="  Ann   Lee-Smith ", archived=True)
    assert (moved.name, moved.archived, moved.id, moved.tags) == (
        "Ann Lee-Smith",
        True,
        ann.id,
        ["a"],
    )
    assert (ann.name, ann.archived) == ("Ann Lee", False)
    with pytest.raises(ValidationError):
        ann.replace(name=" ")
    with pytest.raises(TypeError):
        ann.replace(no_such_field=1)


def test_defaults_are_fresh_per_record() -> None:
    one, two = Contact(name="A"), Contact(name="B")
    one.tags.append("x")
    assert two.tags == [] and one.id != two.id and len(one.id) == 32
    conv = Conversation(contact_id=one.id, on=date(2026, 1, 2))
    assert conv.correspondence == [] and conv.created[:4].isdigit()


def test_repr_names_every_field() -> None:
    shown = repr(Referral(referrer_id="a", referred_id="b", on=date(2026, 1, 2), id="r1"))
    assert shown.startswith("Referral(referrer_id='a', referred_id='b', on=datetime.date(")
    assert "id='r1'" in shown and shown.endswith(")")
    item = QueueItem("who", "Call", date(2026, 1, 2), True)
    assert repr(item).startswith("QueueItem(contact='who', action='Call'")


@pytest.mark.parametrize(
    ("record", "first_keys"),
    [
        (Contact(name="Ann"), ["name", "id", "company", "title", "emails"]),
        (Conversation(contact_id="c", on=date(2026, 1, 2)), ["contact_id", "on", "id"]),
        (Referral(referrer_id="a", referred_id="b", on=date(2026, 1, 2)), ["referrer_id"]),
        (Introduction(a_id="a", b_id="b", on=date(2026, 1, 2)), ["a_id", "b_id", "on", "id"]),
    ],
)
def test_a_records_dict_keeps_the_field_order_of_the_files(record, first_keys) -> None:
    keys = list(record.to_dict())
    assert keys[: len(first_keys)] == first_keys
    assert type(record).from_dict(record.to_dict()) == record


def test_a_diary_read_from_disk_holds_each_repeated_short_text_once(db_path) -> None:
    """The store shares the short side texts that repeat (`model.share_texts`): the same
    records, one string per distinct text; a note is left as read, a changed entry apart."""
    from netui.core.config import Settings
    from netui.core.db.store import Store

    did, note = "Sent a thank-you note the next day.", "Long chat about the move."
    with Store.open(db_path, settings=Settings()) as store:
        ann = store.add_contact(Contact(name="Ann Lee", company="Pine"))
        for day in (1, 2, 3):
            store.log(Conversation(ann.id, date(2024, 5, day), note=note, did=did))
        written = sorted(store.all_conversations(), key=lambda c: c.on)
    with Store.open(db_path, settings=Settings()) as store:
        read = sorted(store.all_conversations(), key=lambda c: c.on)
        assert read == written
        assert read[0].did is read[1].did is read[2].did
        first = store.update_conversation(read[0].id, did="Called back.")
        again = sorted(store.all_conversations(), key=lambda c: c.on)
        assert (first.did, again[1].did, again[2].did) == ("Called back.", did, did)
    with Store.open(db_path, settings=Settings(), lazy=True) as store:  # the TUI's, a month...
        for _ in store.diary_slices():  # ...at a time: one pool across the slices
            pass
        read = sorted(store.all_conversations(), key=lambda c: c.on)
        assert read[1].did is read[2].did and read[0].did == "Called back."
        assert [c.note for c in read] == [note] * 3
