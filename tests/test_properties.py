"""Random sequences of changes agree with a plain in-memory model, across close and reopen.

The model is the specification in miniature: what each change means for the contacts and
the diary, and that undo walks back exactly one change at a time, whoever reopened since.
"""

from __future__ import annotations

import copy
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import date

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from netui.core.config import Settings
from netui.core.db.store import UNDO_DEPTH, Store
from netui.core.errors import UndoError
from netui.core.model import Contact, Conversation, Stage

STAGES = list(Stage)
dates = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))
names = st.text(min_size=1, max_size=12).map(lambda s: " ".join(s.split())).filter(bool)
notes = st.text(max_size=40)


@dataclass
class Person:
    name: str
    met_on: date
    stage: Stage = Stage.MET
    archived: bool = False
    follow_up_on: date | None = None
    last_contact_on: date | None = None
    steps: list[tuple[Stage, date]] = field(default_factory=list)


@dataclass
class World:
    people: dict[str, Person] = field(default_factory=dict)
    diary: dict[str, tuple[str, date, str]] = field(default_factory=dict)


def merged(keep: Person, drop: Person) -> Person:
    """What a merge promises: nothing either record knew is lost; `keep` wins ties."""
    lasts = [d for d in (keep.last_contact_on, drop.last_contact_on) if d]
    return Person(
        name=keep.name,
        met_on=min(keep.met_on, drop.met_on),
        stage=max(keep.stage, drop.stage, key=lambda s: s.rank),
        archived=keep.archived and drop.archived,
        follow_up_on=keep.follow_up_on or drop.follow_up_on,
        last_contact_on=max(lasts, default=None),
        steps=sorted(set(keep.steps + drop.steps), key=lambda s: (s[1], s[0].rank)),
    )


class StoreAgreesWithModel(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = tempfile.mkdtemp(prefix="netui-prop-")
        self.store = Store.open(f"{self.folder}/db", settings=Settings())
        self.world = World()
        self.history: list[World] = []  # the world before each undoable change

    def teardown(self) -> None:
        self.store.close()
        shutil.rmtree(self.folder)

    def change(self) -> World:
        self.history = [*self.history, copy.deepcopy(self.world)][-UNDO_DEPTH:]
        return self.world

    def pick(self, data: st.DataObject) -> str:
        """A contact by position (ids are random, positions replay the same)."""
        return data.draw(st.sampled_from(list(self.world.people)))

    @rule(name=names, met_on=dates)
    def add(self, name: str, met_on: date) -> None:
        contact = self.store.add_contact(Contact(name=name, met_on=met_on))
        self.change().people[contact.id] = Person(name, met_on, steps=[(Stage.MET, met_on)])

    @precondition(lambda self: self.world.people)
    @rule(data=st.data(), on=dates, note=notes)
    def log(self, data: st.DataObject, on: date, note: str) -> None:
        contact_id = self.pick(data)
        conv = self.store.log(Conversation(contact_id=contact_id, on=on, note=note))
        person = self.change().people[contact_id]
        self.world.diary[conv.id] = (contact_id, on, note)
        if person.last_contact_on is None or on >= person.last_contact_on:
            person.last_contact_on = on
        person.follow_up_on = None

    @precondition(lambda self: self.world.people)
    @rule(data=st.data(), on=dates)
    def stage(self, data: st.DataObject, on: date) -> None:
        contact_id = self.pick(data)
        others = [s for s in STAGES if s is not self.world.people[contact_id].stage]
        stage = data.draw(st.sampled_from(others))
        self.store.set_stage(contact_id, stage, on)
        person = self.change().people[contact_id]
        person.stage, person.follow_up_on = stage, None
        person.steps.append((stage, on))

    @precondition(lambda self: self.world.people)
    @rule(data=st.data())
    def archive(self, data: st.DataObject) -> None:
        contact_id = self.pick(data)
        archived = not self.world.people[contact_id].archived
        self.store.archive(contact_id, archived)
        self.change().people[contact_id].archived = archived

    @precondition(lambda self: self.world.people)
    @rule(data=st.data(), until=st.none() | dates)
    def snooze(self, data: st.DataObject, until: date | None) -> None:
        contact_id = self.pick(data)
        if self.world.people[contact_id].follow_up_on == until:
            return  # no change, so nothing to undo: not a step worth modelling
        self.store.snooze(contact_id, until)
        self.change().people[contact_id].follow_up_on = until

    @precondition(lambda self: len(self.world.people) >= 2)
    @rule(data=st.data())
    def merge(self, data: st.DataObject) -> None:
        keep, drop = data.draw(
            st.lists(st.sampled_from(list(self.world.people)), min_size=2, max_size=2, unique=True)
        )
        self.store.merge(keep, drop)
        world = self.change()
        world.people[keep] = merged(world.people[keep], world.people.pop(drop))
        for conv_id, (owner, on, note) in world.diary.items():
            if owner == drop:
                world.diary[conv_id] = (keep, on, note)

    @rule()
    def undo(self) -> None:
        if not self.history:
            try:
                self.store.undo()
            except UndoError:
                return
            raise AssertionError("undo did something with nothing left to undo")
        self.store.undo()
        self.world = self.history.pop()

    @rule(lazy=st.booleans())
    def reopen(self, lazy: bool) -> None:
        self.store.close()
        self.store = Store.open(f"{self.folder}/db", settings=Settings(), lazy=lazy)

    @invariant()
    def agrees(self) -> None:
        people = {
            c.id: Person(
                c.name,
                c.met_on,
                c.stage,
                c.archived,
                c.follow_up_on,
                c.last_contact_on,
                [(s.stage, s.on) for s in c.stage_history],
            )
            for c in self.store.contacts(include_archived=True)
        }
        assert people == self.world.people
        diary = {c.id: (c.contact_id, c.on, c.note) for c in self.store.all_conversations()}
        assert diary == self.world.diary


StoreAgreesWithModel.TestCase.settings = settings(
    max_examples=40, stateful_step_count=25, deadline=None
)
test_store_agrees_with_model = StoreAgreesWithModel.TestCase
