"""The records netui keeps: contacts, their diary of conversations, and referrals.

Records are plain slotted classes (`Record`: equality, repr and `replace` as dataclasses
give them) that convert to and from JSON-ready dicts. Dates are
`datetime.date` in memory and ISO `YYYY-MM-DD` on disk; timestamps are UTC ISO strings.
Ids are random hex strings of our own, never TinyDB's reusable doc_ids.
"""

from __future__ import annotations

import os
import sys
from datetime import UTC, date, datetime
from enum import StrEnum
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple, Self, TypeVar

from netui.core.dates import check_date
from netui.core.errors import ValidationError

if TYPE_CHECKING:
    from collections.abc import Iterable

_Enum = TypeVar("_Enum", bound=StrEnum)


def _choose(cls: type[_Enum], what: str, text: str, key: str, aliases: dict[str, str]) -> _Enum:
    """The member a normalised `key` names (or an alias of it); else a one-line error."""
    try:
        return cls(aliases.get(key, key))
    except ValueError:
        names = ", ".join(member.value for member in cls)
        raise ValidationError(f"unknown {what} {text!r} (choose from {names})") from None


class Stage(StrEnum):
    """The follow-up ladder, in order."""

    MET = "met"
    THANKED = "thanked"
    CALLED = "called"
    COFFEE = "coffee"

    @property
    def label(self) -> str:
        return "met for coffee" if self is Stage.COFFEE else self.value

    @property
    def rank(self) -> int:
        """Place on the ladder, from 0 (met); named so as not to shadow `str.index`."""
        return list(Stage).index(self)

    def next(self) -> Stage | None:
        order = list(Stage)
        return order[self.rank + 1] if self.rank + 1 < len(order) else None

    def previous(self) -> Stage | None:
        return list(Stage)[self.rank - 1] if self.rank > 0 else None

    @classmethod
    def parse(cls, text: str) -> Stage:
        key = text.strip().lower().replace("_", " ").replace("-", " ")
        return _choose(cls, "stage", text, key, {"met for coffee": "coffee", "lunch": "coffee"})


class Channel(StrEnum):
    """How a conversation happened."""

    IN_PERSON = "in-person"
    EMAIL = "email"
    CALL = "call"
    COFFEE = "coffee"
    NOTE = "note"  # a handwritten note
    MESSAGE = "message"
    EVENT = "event"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {"in-person": "in person", "note": "handwritten note"}.get(self.value, self.value)

    @classmethod
    def parse(cls, text: str) -> Channel:
        key = text.strip().lower().replace(" ", "-").replace("_", "-")
        aliases = {
            "inperson": "in-person",
            "handwritten": "note",
            "phone": "call",
            "lunch": "coffee",
        }
        return _choose(cls, "channel", text, key, aliases)


class Introduce(StrEnum):
    """Where a referrer's offer to introduce you stands."""

    NONE = ""
    ASKED = "asked"
    AGREED = "agreed"
    DONE = "done"
    DECLINED = "declined"


def new_id() -> str:
    """A random (version 4) UUID as 32 hex digits, as `uuid.uuid4().hex` makes it, without
    importing `uuid` (which imports `platform`: ~3 ms of every command's start-up)."""
    raw = bytearray(os.urandom(16))
    raw[6] = (raw[6] & 0x0F) | 0x40  # version 4
    raw[8] = (raw[8] & 0x3F) | 0x80  # the RFC 4122 variant
    return raw.hex()


def utc_now() -> str:
    """A UTC ISO timestamp, the only form timestamps take on disk."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def _date_out(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _date_in(value: Any, what: str = "date") -> date | None:
    """A stored or imported date, checked against DATE_RANGE (ValidationError names `what`)."""
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return check_date(date(value.year, value.month, value.day), what)
    if not isinstance(value, str):
        raise ValidationError(f"{what} {value!r} is not a date")
    day = _DAYS_READ.get(value)
    if day is not None:
        return day
    try:
        parsed = date.fromisoformat(value[:10])
    except ValueError:
        raise ValidationError(f"{what} {value[:40]!r} is not a YYYY-MM-DD date") from None
    day = check_date(parsed, what)
    if len(_DAYS_READ) >= _DAYS_READ_MAX:
        _DAYS_READ.clear()
    _DAYS_READ[value] = day
    return day


# One date object per day read: ten years of diary names a few thousand days, and 100,000
# entries each holding its own `date` cost 3 MiB (dates are immutable: sharing is safe).
_DAYS_READ: dict[str, date] = {}
_DAYS_READ_MAX = 100_000


def _timestamp(value: Any, what: str) -> str:
    """A stored UTC timestamp: ISO text starting with a date (`"created": 5` is refused)."""
    if not isinstance(value, str):
        raise ValidationError(f"{what} {value!r} is not a timestamp")
    _date_in(value, what)
    return value


def check_dates(record: Any) -> None:
    """Every date a model object holds is inside DATE_RANGE: the store checks what it writes
    (a `StageStep` or a snoozed day built in code never went through `from_dict`)."""
    names = ("met_on", "follow_up_on", "last_contact_on", "sorted_on", "keep_since", "on")
    for name in (*names, "thanked_on"):
        value = getattr(record, name, None)
        if value is not None:
            check_date(value, name)
    for step in getattr(record, "stage_history", ()):
        check_date(step.on, "stage date")


def _id(value: Any, what: str = "id") -> str:
    if not isinstance(value, str) or not value:
        raise ValidationError(f"{what} {value!r} is not text")
    return value


def refuse_surrogates(values: dict[str, Any]) -> None:
    """A lone surrogate (hand-edited `\\udcff`) is not text: it cannot be printed or saved.

    Checked on load so `list --json` never meets one. One `encode` of all the text at once
    (C speed), and a field by field search only when it fails: opening 10,000 contacts must
    stay fast."""
    texts = [t for v in values.values() for t in (v if type(v) is list else (v,)) if type(t) is str]
    try:
        "".join(texts).encode("utf-8")
    except UnicodeEncodeError:
        for key, value in values.items():
            for text in value if isinstance(value, list) else (value,):
                if isinstance(text, str) and not text.isascii():
                    try:
                        text.encode("utf-8")
                    except UnicodeEncodeError:
                        raise ValidationError(f"{key} holds a lone surrogate (not text)") from None


def _strs(value: Any) -> list[str]:
    """A list of text; numbers are read as text, anything nested is refused (not shown)."""
    if not value:
        return []
    if isinstance(value, str):
        return [value] if value else []
    if not isinstance(value, list | tuple):
        raise ValidationError(f"expected a list of text, not {type(value).__name__}")
    if not all(type(v) is str for v in value):
        if not all(isinstance(v, str | int | float) for v in value):
            raise ValidationError("a list holds something other than text")
        return [str(v) for v in value]
    return list(value)


# A text this long or shorter is looked up in a load's pool (`share_texts`); a longer one
# is rarely typed twice, and would only grow the pool and the time spent hashing.
SHARED_TEXT_MAX = 256


def share_texts(records: Iterable[Record], pool: dict[str, str]) -> None:
    """Make the diary entries' short side texts the pool's copies, adding the ones it lacks.

    The same short text is read again and again: "Sent a thank-you note the next day.",
    "Suggested I talk to Michael". Read from JSON each is a string of its own; one per
    distinct text (strings are immutable: sharing them is safe) was 14 MiB less of the
    benchmark's 100,000 entries, whose sentences come from a pool (a real diary repeats
    less), for ~90 ms more of a diary load of ~2.3 s (in the background, a month at a time).
    Not the note: seldom typed twice, and the longest to hash (3 MiB more here).
    Not the contacts: their companies, titles, tags and places would save 3 MiB of 10,000
    for ~15 ms of the load a key waits for right after the first screen.
    The store passes one pool for a whole load, and drops it after: a module-wide pool (or
    `sys.intern`) would keep a forgotten contact's words alive. Spelled out field by field:
    a loop over names with getattr/setattr cost 1.5x as much."""
    get, most = pool.setdefault, SHARED_TEXT_MAX
    for record in records:
        if type(record) is Conversation:
            if len(text := record.recommended) <= most:
                record.recommended = get(text, text)
            if len(text := record.observations) <= most:
                record.observations = get(text, text)
            if len(text := record.did) <= most:
                record.did = get(text, text)


def _shallow(record: Any) -> dict[str, Any]:
    """Fields as a dict with lists copied (what asdict does, without its deep-copy cost)."""
    return {
        name: list(value) if isinstance(value, list) else value
        for name in record.__slots__
        for value in (getattr(record, name),)
    }


def clean_name(name: str) -> str:
    """A name as stored: required, and never only white space."""
    cleaned = " ".join(str(name).split())
    if not cleaned:
        raise ValidationError("a contact needs a name (it cannot be blank)")
    return cleaned


class Record:
    """What a dataclass gave the records, without `dataclasses`: equality field by field (of
    the same class only), a repr naming every field, unhashable, `replace`. Each record
    lists its fields in `__slots__` (in order: `to_dict` writes them so, as the files hold
    them) and writes its `__init__` out. Importing `dataclasses` (and `inspect`, `ast`,
    `dis`, `tokenize`) and making the four records was ~8 ms of every command's start-up."""

    __slots__: tuple[str, ...] = ()
    __hash__ = None  # type: ignore[assignment]  # mutable and compared by value

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() == other._values()

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"{type(self).__qualname__}({shown})"

    def replace(self, **changes: Any) -> Self:
        """A copy with `changes` (as `dataclasses.replace`: made through `__init__`, so a
        contact's name is cleaned again; lists are shared, not copied)."""
        values = {name: getattr(self, name) for name in self.__slots__}
        values.update(changes)
        return type(self)(**values)


class StageStep(NamedTuple):
    """A rung of the ladder and the day it was reached. (Immutable; a NamedTuple, not a
    frozen dataclass: ~0.05 ms of start-up to make instead of ~0.4 ms, the same here.)"""

    stage: Stage
    on: date

    def to_dict(self) -> dict[str, Any]:
        return {"stage": self.stage.value, "on": self.on.isoformat()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> StageStep:
        return cls(Stage(data["stage"]), _date_in(data["on"], "stage date") or date.today())


class Contact(Record):
    """Someone met, and where the follow-up with them stands."""

    __slots__ = (  # noqa: RUF023 (in field order: the order `to_dict` writes, as on disk)
        "name",
        "id",
        "company",
        "title",
        "emails",
        "phones",
        "tags",
        "met_at",
        "met_on",
        "stage",
        "stage_history",
        "archived",
        "referred_by",
        "reach",
        "mention",
        "notes",
        "needs",
        "offers",
        "urls",
        "external_ids",
        "name_parts",
        "cadence_days",
        "follow_up_on",
        "last_contact_on",
        "unsorted",
        "sorted_on",
        "keep_since",
        "created",
        "updated",
        "conflicts",
    )

    def __init__(
        self,
        name: str,
        id: str | None = None,
        company: str = "",
        title: str = "",
        emails: list[str] | None = None,
        phones: list[str] | None = None,
        tags: list[str] | None = None,
        met_at: str = "",
        met_on: date | None = None,
        stage: Stage = Stage.MET,
        stage_history: list[StageStep] | None = None,
        archived: bool = False,
        referred_by: str | None = None,
        reach: str = "",
        mention: str = "",
        notes: str = "",
        needs: list[str] | None = None,
        offers: list[str] | None = None,
        urls: list[str] | None = None,
        external_ids: list[str] | None = None,
        name_parts: list[str] | None = None,
        cadence_days: int | None = None,
        follow_up_on: date | None = None,
        last_contact_on: date | None = None,
        unsorted: bool = False,
        sorted_on: date | None = None,
        keep_since: date | None = None,
        created: str | None = None,
        updated: str | None = None,
        conflicts: list[dict[str, Any]] | None = None,
    ) -> None:
        self.name = clean_name(name)
        self.id = new_id() if id is None else id
        self.company = company
        self.title = title
        self.emails = [] if emails is None else emails
        self.phones = [] if phones is None else phones
        self.tags = [] if tags is None else tags
        self.met_at = met_at
        self.met_on = met_on
        self.stage = stage
        self.stage_history = [] if stage_history is None else stage_history
        self.archived = archived
        self.referred_by = referred_by
        self.reach = reach  # how and when best to reach them
        self.mention = mention  # the detail to bring up in the thank-you
        self.notes = notes
        self.needs = [] if needs is None else needs
        self.offers = [] if offers is None else offers
        self.urls = [] if urls is None else urls  # web pages: a vCard URL, a profile link
        # Ids other programs gave this person ("vcard-uid:...", "linkedin:<profile url>"): the
        # surest sign that an imported record is someone already here.
        self.external_ids = [] if external_ids is None else external_ids
        # The vCard N it came with (family, given, additional, prefix, suffix), kept so an
        # export does not have to guess where "John Doe III" splits.
        self.name_parts = [] if name_parts is None else name_parts
        self.cadence_days = cadence_days  # keep-in-touch rhythm; None = the configured default
        # A snooze or a plan: overrides the rule until it passes.
        self.follow_up_on = follow_up_on
        self.last_contact_on = last_contact_on  # date of the newest conversation (the store's)
        # Imported people wait here, out of the queue, until sorted (see rules.sort_out).
        self.unsorted = unsorted
        self.sorted_on = sorted_on  # the day it left the unsorted inbox: the ladder's clock
        self.keep_since = keep_since  # kept in touch off the ladder since (rules.keep_in_touch)
        self.created = utc_now() if created is None else created
        self.updated = utc_now() if updated is None else updated
        # Values that lost a sync merge ({"field", "value", "updated"}), kept so nothing typed
        # is lost (see core/sync/merge.py); stored only when there are some.
        self.conflicts = [] if conflicts is None else conflicts

    @property
    def stage_label(self) -> str:
        return self.stage.label

    def reached_on(self, stage: Stage) -> date | None:
        """The most recent day this stage was reached, if ever."""
        for step in reversed(self.stage_history):
            if step.stage is stage:
                return step.on
        return None

    def to_dict(self) -> dict[str, Any]:
        data = _shallow(self)
        data["stage"] = self.stage.value
        data["stage_history"] = [s.to_dict() for s in self.stage_history]
        for key in _DATE_FIELDS:
            data[key] = _date_out(getattr(self, key))
        if not self.conflicts:
            del data["conflicts"]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        """Build from stored JSON; tuned, since opening 10,000 contacts runs it 10,000 times."""
        values = {k: data[k] for k in cls.__slots__ if k in data}
        get = values.get
        for key in LIST_FIELDS:
            values[key] = _strs(get(key))
        for key in _DATE_FIELDS:
            values[key] = _date_in(get(key), key)
        stage = get("stage") or "met"
        values["stage"] = _STAGE_OF.get(stage) or Stage(stage)
        values["stage_history"] = [
            _step(s["stage"], s["on"]) if isinstance(s, dict) else StageStep.from_dict(s)
            for s in get("stage_history") or ()
        ]
        values["archived"] = bool(get("archived", False))
        values["unsorted"] = bool(get("unsorted", False))  # absent in older files
        values["conflicts"] = [c for c in get("conflicts") or () if isinstance(c, dict)]
        cadence = get("cadence_days")
        values["cadence_days"] = check_cadence(cadence) if cadence not in (None, "") else None
        for key in ("company", "title", "met_at", "reach", "mention", "notes"):
            value = get(key)
            values[key] = value if type(value) is str else str(value or "")
        _shape_checked(values, data)
        if "id" in values:
            values["id"] = sys.intern(values["id"])  # shared with its diary's contact_id
        if get("updated") == get("created"):  # never changed: one string (0.7 MiB at 10,000)
            values["updated"] = get("created")
        if type(values.get("referred_by")) not in (str, type(None)):
            raise ValidationError(f"referred_by {values['referred_by']!r} is not a contact id")
        return cls(**values)


# The contact fields that hold lists of text.
LIST_FIELDS = ("emails", "phones", "tags", "needs", "offers", "urls", "external_ids", "name_parts")
_STAGE_OF = {stage.value: stage for stage in Stage}
_DATE_FIELDS = ("met_on", "follow_up_on", "last_contact_on", "sorted_on", "keep_since")

# A keep-in-touch rhythm longer than ten years is a typo (and day + 10**9 days overflows).
MAX_CADENCE = 3650


def check_cadence(days: Any) -> int:
    """A stored keep-in-touch rhythm: whole days up to MAX_CADENCE (0 = the default)."""
    if type(days) is not int and not (isinstance(days, str) and days.strip().isdigit()):
        raise ValidationError(f"cadence_days {days!r} is not a whole number of days")
    if not 0 <= int(days) <= MAX_CADENCE:
        raise ValidationError(f"cadence_days {days} is out of range (1 to {MAX_CADENCE} days)")
    return int(days)


def _shape_checked(values: dict[str, Any], data: dict[str, Any]) -> None:
    """What every stored record shares: a text id, timestamps, and only real text."""
    if "id" in values:
        _id(values["id"])
    for key in ("created", "updated"):
        # `created` dates a contact with no stage dates (rules.py): it must read as a date;
        # `updated` is only ever shown or sorted, so text is enough (and cheaper to check).
        if key in data and (type(data[key]) is not str or key == "created"):
            _timestamp(data[key], key)
    refuse_surrogates(values)


@lru_cache(maxsize=65536)
def _step(stage: str, on: str) -> StageStep:
    """Steps are immutable and their (stage, day) pairs repeat across contacts: share them."""
    return StageStep.from_dict({"stage": stage, "on": on})


class Conversation(Record):
    """One diary entry: a conversation or a piece of correspondence with a contact."""

    __slots__ = (  # noqa: RUF023 (in field order: the order `to_dict` writes, as on disk)
        "contact_id",
        "on",
        "id",
        "channel",
        "note",
        "recommended",
        "observations",
        "did",
        "correspondence",
        "created",
        "subject",
        "direction",
        "message_id",
    )

    def __init__(
        self,
        contact_id: str,
        on: date,
        id: str | None = None,
        channel: Channel = Channel.IN_PERSON,
        note: str = "",
        recommended: str = "",
        observations: str = "",
        did: str = "",
        correspondence: list[str] | None = None,
        created: str | None = None,
        subject: str | None = None,
        direction: str | None = None,
        message_id: str | None = None,
    ) -> None:
        self.contact_id = contact_id
        self.on = on
        self.id = new_id() if id is None else id
        self.channel = channel
        self.note = note  # what you talked about
        self.recommended = recommended  # what they recommended
        self.observations = observations
        self.did = did  # what you did on account of it
        # Pasted copies of letters sent.
        self.correspondence = [] if correspondence is None else correspondence
        self.created = utc_now() if created is None else created
        # Filed from the mailbox (`netui mail`); None on every other entry and in older files.
        self.subject = subject
        self.direction = direction  # "sent" or "received"
        self.message_id = message_id  # the Message-ID, else "sha1:" + a hash: files mail once

    def to_dict(self) -> dict[str, Any]:
        data = _shallow(self)
        data["on"] = self.on.isoformat()
        data["channel"] = self.channel.value
        for key in _OPTIONAL_CONVERSATION_FIELDS:
            if data[key] is None:
                del data[key]  # older files stay byte for byte what they were
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        values = {k: data[k] for k in cls.__slots__ if k in data}
        values["on"] = _date_in(values.get("on"), "on") or date.today()
        values["channel"] = Channel(values.get("channel") or "in-person")
        values["correspondence"] = _strs(values.get("correspondence"))
        for key in ("note", "recommended", "observations", "did"):
            values[key] = str(values.get(key) or "")
        for key in _OPTIONAL_CONVERSATION_FIELDS:
            value = values.get(key)
            values[key] = str(value) if value not in (None, "") else None
        # One string per contact, not per entry: 100,000 entries' copies cost 8 MiB.
        values["contact_id"] = sys.intern(_id(values.get("contact_id"), "contact_id"))
        _shape_checked(values, data)
        return cls(**values)

    def texts(self) -> tuple[str, ...]:
        """Every free-text field, for search."""
        return (self.note, self.recommended, self.observations, self.did, *self.correspondence)


_OPTIONAL_CONVERSATION_FIELDS = ("subject", "direction", "message_id")
SENT, RECEIVED = "sent", "received"


class Referral(Record):
    """Someone recommended someone else; the ladder of help asked for and given."""

    __slots__ = (  # noqa: RUF023 (in field order: the order `to_dict` writes, as on disk)
        "referrer_id",
        "referred_id",
        "on",
        "id",
        "introduce",
        "call_ahead",
        "shared_details",
        "reach",
        "may_use_name",
        "thanked_on",
        "note",
        "created",
    )

    def __init__(
        self,
        referrer_id: str,
        referred_id: str,
        on: date,
        id: str | None = None,
        introduce: Introduce = Introduce.NONE,
        call_ahead: bool | None = None,
        shared_details: bool = False,
        reach: str = "",
        may_use_name: bool | None = None,
        thanked_on: date | None = None,
        note: str = "",
        created: str | None = None,
    ) -> None:
        self.referrer_id = referrer_id
        self.referred_id = referred_id
        self.on = on
        self.id = new_id() if id is None else id
        self.introduce = introduce
        self.call_ahead = call_ahead  # will they call ahead?
        self.shared_details = shared_details  # did they give the person's contact details?
        self.reach = reach  # how and when best to reach the referred person
        self.may_use_name = may_use_name
        self.thanked_on = thanked_on
        self.note = note
        self.created = utc_now() if created is None else created

    def to_dict(self) -> dict[str, Any]:
        data = _shallow(self)
        data["on"] = self.on.isoformat()
        data["introduce"] = self.introduce.value
        data["thanked_on"] = _date_out(self.thanked_on)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        values = {k: data[k] for k in cls.__slots__ if k in data}
        values["on"] = _date_in(values.get("on"), "on") or date.today()
        values["thanked_on"] = _date_in(values.get("thanked_on"), "thanked_on")
        values["introduce"] = Introduce(values.get("introduce") or "")
        _id(values.get("referrer_id"), "referrer_id")
        _id(values.get("referred_id"), "referred_id")
        _shape_checked(values, data)
        return cls(**values)


class IntroStatus(StrEnum):
    """An introduction the user makes, double opt-in: asked first, then made once both agree."""

    ASKED = "asked"
    AGREED = "agreed"
    INTRODUCED = "introduced"
    DECLINED = "declined"

    @classmethod
    def parse(cls, text: str) -> IntroStatus:
        key = text.strip().lower()
        return _choose(cls, "status", text, key, {"done": "introduced", "made": "introduced"})


class Introduction(Record):
    """An introduction the user made (or offered) between two contacts: the help given.

    `a` is the one asked first (usually who needs something), `b` the one introduced to
    them; `history` keeps each status with its day; `followed_up_on` is set once the user
    asked `a` how it went."""

    __slots__ = (  # noqa: RUF023 (in field order: the order `to_dict` writes, as on disk)
        "a_id",
        "b_id",
        "on",
        "id",
        "status",
        "note",
        "history",
        "followed_up_on",
        "conversation_ids",
        "created",
    )

    def __init__(
        self,
        a_id: str,
        b_id: str,
        on: date,
        id: str | None = None,
        status: IntroStatus = IntroStatus.ASKED,
        note: str = "",
        history: list[IntroStep] | None = None,
        followed_up_on: date | None = None,
        conversation_ids: list[str] | None = None,
        created: str | None = None,
    ) -> None:
        self.a_id = a_id
        self.b_id = b_id
        self.on = on
        self.id = new_id() if id is None else id
        self.status = status
        self.note = note  # why: what one needs and the other offers
        self.history = [] if history is None else history
        self.followed_up_on = followed_up_on
        # Its entries in both diaries.
        self.conversation_ids = [] if conversation_ids is None else conversation_ids
        self.created = utc_now() if created is None else created

    def other(self, contact_id: str) -> str:
        """The other side of the introduction from `contact_id`'s point of view."""
        return self.b_id if contact_id == self.a_id else self.a_id

    def status_on(self, status: IntroStatus) -> date | None:
        """The latest day the introduction reached `status`."""
        for step in reversed(self.history):
            if step.status is status:
                return step.on
        return None

    def to_dict(self) -> dict[str, Any]:
        data = _shallow(self)
        data["on"] = self.on.isoformat()
        data["status"] = self.status.value
        data["history"] = [{"status": s.status.value, "on": s.on.isoformat()} for s in self.history]
        data["followed_up_on"] = _date_out(self.followed_up_on)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        values = {k: data[k] for k in cls.__slots__ if k in data}
        values["on"] = _date_in(values.get("on")) or date.today()
        values["status"] = IntroStatus(values.get("status") or "asked")
        values["followed_up_on"] = _date_in(values.get("followed_up_on"))
        values["history"] = [
            IntroStep(IntroStatus(s["status"]), _date_in(s["on"]) or date.today())
            for s in values.get("history") or ()
        ]
        return cls(**values)


class IntroStep(NamedTuple):
    """A status of an introduction and the day it was reached (a NamedTuple: see StageStep)."""

    status: IntroStatus
    on: date
