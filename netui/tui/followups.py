"""What the panes show, kept up to date by difference: one stage key re-reads one contact.

Recomputing 10,000 next actions and re-sorting the list and the queue after each key took
~150 ms; the store replaces only the records a write changed, so comparing record identity
finds what changed, and the follow-up rules run again for those contacts only.

Until a lazy store has read every contact, the rows come from the contacts digest
(`core/db/digest.py`): reading 10,000 full records took ~300 ms of the first frame, the
digest ~15 ms. Once the records are in, the next update starts over from them.

The very first frame needs less still: `first_page` picks, from the digest rows, only the
rows the lists can show at once and counts the rest in one pass; making a row for each of
10,000 contacts and queue items and sorting both lists (~40 ms) waits until after that frame
(`tui/screens/main.py`).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from operator import itemgetter
from typing import NamedTuple, Protocol

from netui.core import rules
from netui.core.db import digest
from netui.core.db.store import Store, fold
from netui.core.followup.inbox import count_unsorted
from netui.core.model import Contact, Introduction, Referral, Stage
from netui.core.rules import NextAction, QueueItem


class PaneContact(rules.Person, Protocol):
    """What the panes, the queue and the counts read of a row's contact: a `Contact`, or a
    `ContactSummary` before the records are in."""

    @property
    def company(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def met_at(self) -> str: ...
    @property
    def stage(self) -> Stage: ...
    @property
    def unsorted(self) -> bool: ...
    @property
    def keep_since(self) -> date | None: ...
    @property
    def last_contact_on(self) -> date | None: ...


class ContactSummary:
    """What the panes draw of a contact (a `PaneContact`), from its digest row, until its
    record is read.

    The fields the digest lacks (title, where met, last contact) are blank: the filter and
    the "last contact" order see them once the records are in (a few hundred ms later)."""

    __slots__ = ("archived", "company", "id", "keep_since", "name", "stage", "unsorted")
    title = ""
    met_at = ""
    last_contact_on: date | None = None

    def __init__(self, row: digest.Row) -> None:
        self.id: str = row[digest.ID]
        self.name: str = row[digest.NAME]
        self.company: str = row[digest.COMPANY]
        self.stage = STAGES[row[digest.STAGE]]
        self.archived: bool = row[digest.ARCHIVED]
        self.unsorted: bool = row[digest.UNSORTED]
        # Only whether it is set matters to the panes (the "keep" stage cell).
        self.keep_since = date.min if row[digest.STANDING] == rules.KEPT_IN_TOUCH else None


STAGES = {stage.value: stage for stage in Stage}  # a dict look-up: `Stage(value)` is ~1 us
day_of = lru_cache(maxsize=4096)(date.fromisoformat)  # 10,000 rows share a few hundred days


def summary_row(row: digest.Row) -> ContactRow:
    """A pane row from a digest row: no `Contact` is built (~4 us instead of ~30 us)."""
    due = row[digest.DUE]
    nxt = NextAction(row[digest.ACTION], day_of(due)) if due else None
    return ContactRow(ContactSummary(row), nxt, row[digest.FOLDED])


class ContactRow:
    """A contact with its next action and what sorting and filtering need, computed once."""

    __slots__ = ("_haystack", "contact", "name_key", "next")

    def __init__(
        self, contact: PaneContact, nxt: NextAction | None, name_key: str | None = None
    ) -> None:
        self.contact = contact
        self.next = nxt
        self.name_key = fold(contact.name) if name_key is None else name_key
        self._haystack: str | None = None

    @property
    def haystack(self) -> str:
        """Folded text the filter searches (built on the first filter, not at start-up)."""
        if self._haystack is None:
            c = self.contact
            self._haystack = fold(f"{c.name} {c.company} {c.title} {c.met_at}")
        return self._haystack


@dataclass
class Delta:
    """Rows that changed since the last update; `full` means start over (first time, new day)."""

    full: bool
    old: list[ContactRow] = field(default_factory=list)
    new: list[ContactRow] = field(default_factory=list)

    @property
    def changed_ids(self) -> set[str]:
        return {r.contact.id for r in (*self.old, *self.new)}


class FirstPage(NamedTuple):
    """What the first frame shows: for each list, a few more rows than its first `size` in
    its own order (the pane sorts them and keeps those), and the counts of all of them."""

    contacts: list[ContactRow]  # holds the first `size` active contacts by name
    active: int  # contacts not archived: the list's length
    unsorted: int
    queue: list[QueueItem]  # holds the first `size` items in the queue's order
    names: dict[str, str]  # the folded name of each contact in `queue` (its sort name)
    queued: int  # the queue's length
    overdue: int
    due_today: int
    cold: int


def _earliest(rows: list[digest.Row], size: int) -> list[digest.Row]:
    """The rows due no later than the `size`-th earliest of them (all if that many or
    fewer): the queue's first `size` of them are among these whatever breaks the ties."""
    if len(rows) <= size:
        return rows
    if size <= 0:
        return []
    cut = heapq.nsmallest(size, map(itemgetter(digest.DUE), rows))[-1]
    return [r for r in rows if r[digest.DUE] <= cut]


class FollowUps:
    """Every contact's row, and the follow-up queue, as of the store's latest version."""

    def __init__(
        self, store: Store, horizon_days: int, digest_rows: list[digest.Row] | None = None
    ) -> None:
        """`digest_rows`: the store's digest rows, already read (by the launcher, which checks
        them before the app starts): the first update uses them instead of reading the
        digest again (~15 ms of the first frame at 10,000 contacts), if nothing was written
        since."""
        self.store = store
        self._given = digest_rows
        self._given_version = store.version
        self.horizon_days = horizon_days
        self.rows: dict[str, ContactRow] = {}
        self.today: date | None = None
        self.active = 0  # contacts not archived
        self.unsorted = 0  # of which unsorted: the Sort screen's count
        self._referrals: list[Referral | Introduction] = []  # the links the list was made from
        self._involved: set[str] = set()
        self._thanks: list[QueueItem] = []
        self._thanks_day: date | None = None
        self.summaries = False  # the rows are digest summaries (the records are not read yet)
        self._prepared: dict[str, ContactRow] = {}
        self._mark: int | None = None  # the store's change log, as of the rows (None: unknown)

    def update(self, today: date) -> Delta:
        if not self.store.contacts_loaded:
            return self._from_digest(today)
        # The mark first: a record replaced from here on is named by the next update too.
        changed, self._mark = self.store.contacts_changed_since(self._mark)
        contacts = self.store.contacts_by_id
        if today != self.today or self.summaries:
            self.today = today
            self.summaries = False
            ready, self._prepared = self._prepared, {}
            self.rows = {
                i: row if (row := ready.get(i)) is not None and row.contact is c else self._row(c)
                for i, c in contacts.items()
            }
            self.active = sum(1 for c in contacts.values() if not c.archived)
            self.unsorted = count_unsorted(contacts.values())
            return Delta(full=True)
        delta = self._changed_rows(contacts) if changed is None else self._rows_of(changed)
        self.active += sum(not r.contact.archived for r in delta.new) - sum(
            not r.contact.archived for r in delta.old
        )
        self.unsorted += count_unsorted(r.contact for r in delta.new) - count_unsorted(
            r.contact for r in delta.old
        )
        return delta

    def _changed_rows(self, contacts: dict[str, Contact]) -> Delta:
        """The rows whose contact changed, found by comparing every record's identity with
        its row's: the reference `_rows_of` is tested against (~2.5 ms at 10,000)."""
        delta = Delta(full=False)
        rows = self.rows
        for contact_id, contact in contacts.items():
            row = rows.get(contact_id)
            if row is None or row.contact is not contact:
                if row is not None:
                    delta.old.append(row)
                rows[contact_id] = new = self._row(contact)
                delta.new.append(new)
        if len(rows) != len(contacts):
            for gone in [i for i in rows if i not in contacts]:
                delta.old.append(rows.pop(gone))
        return delta

    def _rows_of(self, changed: set[str]) -> Delta:
        """The rows of the contacts the store says changed (`contacts_changed_since`): what
        `_changed_rows` finds, looking at those contacts alone."""
        delta = Delta(full=False)
        rows, contacts = self.rows, self.store.contacts_by_id
        for contact_id in sorted(changed):
            row, contact = rows.get(contact_id), contacts.get(contact_id)
            if row is not None and (contact is None or row.contact is not contact):
                delta.old.append(rows.pop(contact_id))
            if contact is not None and (row is None or row.contact is not contact):
                rows[contact_id] = new = self._row(contact)
                delta.new.append(new)
        return delta

    def _from_digest(self, today: date) -> Delta:
        """Every row from the digest (the first screen of a lazy store), all anew."""
        self.today = today
        self.summaries = True
        given, self._given = self._given, None
        if given is None or self.store.version != self._given_version:
            given = self.store.digest_rows()
        self.rows = {r[digest.ID]: summary_row(r) for r in given}
        contacts = [r.contact for r in self.rows.values()]
        self.active = sum(not c.archived for c in contacts)
        self.unsorted = count_unsorted(contacts)
        return Delta(full=True)

    def first_page(self, today: date, size: int) -> FirstPage | None:
        """The first frame of a lazy store from the launcher's digest rows: only the rows a
        list can show (`size`) are made, the rest only counted (~3 ms instead of ~40 ms at
        10,000 contacts). None when there is nothing to gain or the rows are not at hand
        (the records are read, something was written, every active contact fits): the
        caller then draws everything at once with `update`. The next `update` starts over."""
        given = self._given
        if given is None or self.store.contacts_loaded or self.store.version != self._given_version:
            return None
        ID, FOLDED, DUE, ARCHIVED = digest.ID, digest.FOLDED, digest.DUE, digest.ARCHIVED
        active = [r for r in given if not r[ARCHIVED]]
        if len(active) <= size:
            return None
        # By name: the rows whose folded name is at most the `size`-th smallest.
        cut = heapq.nsmallest(size, map(itemgetter(FOLDED), active))[-1]
        contacts = [summary_row(r) for r in active if r[FOLDED] <= cut]
        unsorted = sum(1 for r in active if r[digest.UNSORTED])
        # The queue: stage steps due within the horizon (ISO dates compare as strings), the
        # day's work first, then the gone-cold ones; referral and introduction items.
        limit = (today + timedelta(days=self.horizon_days)).isoformat()
        cold_before = (today - timedelta(days=self.store.settings.gone_cold_days)).isoformat()
        due = [r for r in given if r[DUE] and r[DUE] <= limit]
        hot = [r for r in due if r[DUE] >= cold_before]
        cold = [r for r in due if r[DUE] < cold_before]
        chosen = _earliest(hot, size) + _earliest(cold, size - len(hot))
        ends = self._link_ends()
        named = {r[ID]: summary_row(r) for r in given if r[ID] in ends}
        links = self._link_items({i: row.contact for i, row in named.items()}, today)
        made = [summary_row(r) for r in chosen]
        settings = self.store.settings
        stage = [rules.stage_item(r.contact, r.next, today, settings) for r in made if r.next]
        names = {r.contact.id: r.name_key for r in (*made, *named.values())}
        today_iso = today.isoformat()
        dues = list(map(itemgetter(DUE), hot))
        self.summaries = True  # what is shown is of the digest: the records redraw it all
        return FirstPage(
            contacts,
            len(active),
            unsorted,
            stage + links,
            names,
            len(due) + len(links),
            sum(1 for d in dues if d < today_iso) + sum(1 for i in links if i.due < today),
            dues.count(today_iso) + sum(1 for i in links if i.due == today),
            len(cold),
        )

    def prepare(self) -> None:
        """Off the UI thread, once the records are read: the rows the next update starts
        over from, so the UI thread does not compute 10,000 next actions (~100 ms) at once.
        A row whose contact changed meanwhile is not used (the update compares identity)."""
        contacts = dict(self.store.contacts_by_id)  # a copy: a commit may land meanwhile
        self._prepared = {i: self._row(c) for i, c in contacts.items()}

    def _row(self, contact: Contact) -> ContactRow:
        return ContactRow(contact, self.store.next_action(contact, self.today))

    def queue(self, changed: Iterable[str] | None = None) -> list[QueueItem]:
        """The queue's stage steps for these contacts (all by default), unsorted (the pane
        sorts them once).

        A step is the row's next action when it falls within the horizon, as in
        `rules.queue` (which would compute the 10,000 next actions a second time)."""
        today = self.today
        assert today is not None
        limit = today + timedelta(days=self.horizon_days)
        rows = self.rows
        chosen = rows.values() if changed is None else [rows[i] for i in changed if i in rows]
        settings = self.store.settings
        return [
            rules.stage_item(r.contact, r.next, today, settings)
            for r in chosen
            if r.next is not None and r.next.due <= limit
        ]

    def referral_thanks(self, changed: Iterable[str] | None = None) -> list[QueueItem]:
        """Every referral thank-you and introduction follow-up in the horizon, as the rules
        word them; the very same list while neither the referrals, the introductions nor the
        contacts they name changed (`changed`: the contacts that did; None: anything may have)."""
        referrals = self.store.referrals()
        introductions = self.store.introductions()
        links: list[Referral | Introduction] = [*referrals, *introductions]
        if (
            changed is not None
            and self._thanks_day == self.today
            and len(links) == len(self._referrals)
            and all(a is b for a, b in zip(links, self._referrals, strict=True))
            and self._involved.isdisjoint(changed)
        ):
            return self._thanks
        rows = self.rows  # the rows' contacts: summaries will do (names, archived)
        involved = {c: rows[c].contact for c in self._link_ends() if c in rows}
        assert self.today is not None  # set by the first refresh, before any list is asked for
        self._thanks = self._link_items(involved, self.today)
        self._referrals, self._involved, self._thanks_day = links, set(involved), self.today
        return self._thanks

    def _link_ends(self) -> set[str]:
        """The contacts the referrals and introductions name."""
        ends = {c for r in self.store.referrals() for c in (r.referrer_id, r.referred_id)}
        ends.update(c for i in self.store.introductions() for c in (i.a_id, i.b_id))
        return ends

    def _link_items(self, involved: Mapping[str, PaneContact], today: date) -> list[QueueItem]:
        """The referral thank-yous and introduction follow-ups (`involved`: the contacts
        they name), as the rules word them."""
        store = self.store
        return rules.link_items(
            involved,
            store.settings,
            today,
            store.referrals(),
            store.introductions(),
            self.horizon_days,
        )
