"""Search over contacts and their diary: the query language, and an index fast per keystroke.

The language (the same in the TUI and the CLI):

    estate planning        every word must match (AND)
    "estate planning"      a phrase: these whole words, in this order (`"estate plan*"` or
                           `"estate plan"*` lets the last word be the start of a longer one)
    -golf                  leave out what matches golf
    plan / plan*           a bare word matches words that START with it: `plan` finds
                           "planning", `estate` finds "estate-planning"; `*` says so explicitly
    name: company: tag: at: (where you met)   a contact field must match (`-tag:vip` excludes)
    stage:called           the contact is at that stage (repeat to allow several)
    channel:email          the conversation happened that way (repeat to allow several)
    since:DATE before:DATE on:DATE   the conversation's day (`before` is exclusive); DATE as
                           everywhere else: 2024-03-01, friday, "2 weeks ago", -3m
    field:"two words"      quote a filter value that holds spaces

Matching ignores case and accents (`jose` finds "José"). Punctuation separates words, so a
typed `estate-planning` is the phrase estate + planning*. Other `word:` prefixes (`re:`) are
plain text.

What a hit is:
- a contact, when every word matches one of its fields (name, company, title, tags, met at,
  needs, offers, notes, mention) and it passes the contact filters. Date and channel filters
  are about conversations, so with them there are no contact hits.
- a conversation, when every word matches it or its contact (so `lawyer estate` finds what the
  estate lawyer said about estate), at least one word matches the conversation itself (so
  typing a name shows the person, not their whole diary), and it passes every filter. A query
  of filters only (`name:ann`, `since:2024-01-01`) lists every conversation that passes them.
Order: contacts whose name matches, then other contacts (newest met first), then
conversations newest first.

`SearchIndex` answers in a few milliseconds at 100,000 conversations: each word maps to the
set of documents holding it, kept as a Python int used as a bitset, so AND/OR/NOT of whole
result sets cost microseconds; documents are numbered newest first, so the first set bits are
the first results. Phrases are checked against the folded text only for the hits shown.
`search_records` gives the same answer by scanning, without building an index: for one-shot
commands, where building would cost more than the scan.
"""

from __future__ import annotations

import _thread  # the lock alone: `threading` is ~1 ms of every `netui search`
import heapq
import re
from array import array
from bisect import bisect_left, bisect_right
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, timedelta
from functools import lru_cache
from itertools import accumulate, chain, compress, repeat
from operator import is_, itemgetter, methodcaller
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from netui.core.dates import parse_date
from netui.core.errors import QueryError, ValidationError
from netui.core.folding import NON_ASCII_RUN, fold

if TYPE_CHECKING:  # the model is imported where used: `netui search` answers from the cache
    # without it (it and dataclasses were ~11 ms of the command's start)
    from netui.core.model import Channel, Contact, Conversation, Stage
    from netui.core.rules import Person

__all__ = [
    "Hit",
    "Query",
    "QueryError",
    "SearchIndex",
    "Term",
    "fold",
    "parse_query",
    "search_records",
]

SNIPPET_WIDTH = 100  # characters of context shown around a match
SNIPPET_LEAD = 30  # of which, before the first match
SEP = "\x1f"  # joins fields in a document's folded text; a phrase never spans it
DOC_SEP = "\x1e" + SEP  # joins documents when scanning many at once
TEXT_FIELDS = ("name", "company", "tag", "at")
QUERY_FIELDS = {
    "name": "name",
    "company": "company",
    "tag": "tag",
    "tags": "tag",
    "at": "at",
    "stage": "stage",
    "channel": "channel",
    "since": "since",
    "before": "before",
    "on": "on",
}
_WORD = re.compile(r"\w+")
_FIELD_PREFIX = re.compile(r"([A-Za-z]+):")
_LAST_CHAR = "\U0010ffff"  # sorts after every word character, to bound a prefix range


# -- folding ---------------------------------------------------------------------------------


def fold_with_offsets(text: str) -> tuple[str, Sequence[int]]:
    """Folded text and, for each folded character, the index of the character it came from.

    Folding can change length ("ß" -> "ss", "é" -> "e"), so highlights found in folded
    text are mapped back through this. Only the non-ASCII runs are folded char by char.
    """
    if text.isascii():
        return text.lower(), range(len(text))
    # Most letters fold to one letter ("é" -> "e", "Σ" -> "σ"): then each folded character
    # came from the one at its own index, and no list of origins is needed (a note with a
    # few accented words: ~6 -> ~3 us; 1,000 search hits hold a few hundred such fields).
    # The list is made at the first letter that folds otherwise ("ß", a lone accent), from
    # the identity so far: ASCII and every run before it kept one letter per letter.
    pieces: list[str] = []
    origins: list[int] | None = None
    done = 0
    for run in NON_ASCII_RUN.finditer(text):
        pieces.append(text[done : run.start()].lower())
        folds = list(map(_fold_char, run.group()))
        folded = "".join(folds)
        if origins is None and (len(folded) != len(folds) or "" in folds):  # not one each
            origins = list(range(done))
        if origins is not None:
            origins.extend(range(done, run.start()))
            for index, one in enumerate(folds, run.start()):
                origins.extend([index] * len(one))
        pieces.append(folded)
        done = run.end()
    pieces.append(text[done:].lower())
    if origins is None:
        return "".join(pieces), range(len(text))
    origins.extend(range(done, len(text)))
    return "".join(pieces), origins


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    """`fold` of one character, remembered: a note repeats few distinct ones, and a Greek
    snippet folded char by char took 2x longer than this look-up (500 hits: 9.5 -> 4.8 ms)."""
    return fold(char)


def words(text: str) -> list[str]:
    """The words of folded text, as the index and the query both cut them."""
    return _WORD.findall(text)


# -- the query -------------------------------------------------------------------------------


@lru_cache(maxsize=1024)
def _pattern(tokens: tuple[str, ...], prefix: bool) -> re.Pattern[str]:
    """A regex finding these words in folded text.

    It starts with the literal first word so the regex engine can use its fast literal
    search; the word boundary before it is a lookbehind placed after it (10x faster
    than a leading `\\b`, measured on 30 MB of notes).
    """
    first = re.escape(tokens[0])
    parts = [first, rf"(?<!\w{first})"]
    parts.extend(rf"[^\w{SEP}]+{re.escape(token)}" for token in tokens[1:])
    if not prefix:
        parts.append(r"(?!\w)")
    return re.compile("".join(parts))


class Term(NamedTuple):
    """Words that must appear together: one word, or a phrase.

    Term, Query and Hit are named tuples (immutable, compared and hashed by value, as the
    frozen dataclasses they were): this module ran in 2.0 ms, now 1.1, in every `netui
    search` and TUI start.
    """

    tokens: tuple[str, ...]  # folded words, in order
    prefix: bool = True  # the last word may be the start of a longer word
    field: str | None = None  # "name", "company", "tag" or "at"; None: any searchable text

    @property
    def is_phrase(self) -> bool:
        return len(self.tokens) > 1

    def finditer(self, folded: str) -> Iterator[re.Match[str]]:
        return _pattern(self.tokens, self.prefix).finditer(folded)

    def matches(self, folded: str) -> bool:
        return _pattern(self.tokens, self.prefix).search(folded) is not None


class Query(NamedTuple):
    """A parsed query; see the module docstring for what each part means."""

    text: str = ""
    terms: tuple[Term, ...] = ()  # must all match
    excluded: tuple[Term, ...] = ()  # none may match
    filters: tuple[Term, ...] = ()  # field terms that must match their field
    excluded_filters: tuple[Term, ...] = ()
    stages: frozenset[Stage] = frozenset()  # any of these (empty: any stage)
    excluded_stages: frozenset[Stage] = frozenset()
    channels: frozenset[Channel] = frozenset()
    excluded_channels: frozenset[Channel] = frozenset()
    since: date | None = None  # on or after
    before: date | None = None  # strictly before

    @property
    def about_conversations_only(self) -> bool:
        """Date and channel filters describe conversations: no contact can pass them."""
        return bool(
            self.channels or self.excluded_channels or self.since or self.before is not None
        )

    @property
    def has_contact_filter(self) -> bool:
        return bool(self.filters or self.excluded_filters or self.stages or self.excluded_stages)

    @property
    def is_empty(self) -> bool:
        """Nothing to look for (exclusions alone select nothing)."""
        return not (self.terms or self.has_contact_filter or self.about_conversations_only)

    @property
    def needs_checking(self) -> bool:
        """Whether the index's answer for conversations is a superset to check one by one."""
        return any(t.is_phrase for t in (*self.terms, *self.excluded))


def _lex(text: str) -> Iterator[tuple[bool, str | None, str, bool, bool]]:
    """Split a query into (negated, field, value, quoted, starred) pieces."""
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        negated = text[i] == "-"
        if negated:
            i += 1
        fieldname = None
        found = _FIELD_PREFIX.match(text, i)
        if found and found.group(1).lower() in QUERY_FIELDS:
            fieldname = QUERY_FIELDS[found.group(1).lower()]
            i = found.end()
            if i >= n or text[i].isspace():
                raise QueryError(f"{found.group(0)} needs a value right after it")
        if i < n and text[i] == '"':
            close = text.find('"', i + 1)
            if close < 0:
                raise QueryError('unclosed quote: add the closing "')
            value, i = text[i + 1 : close], close + 1
            starred = i < n and text[i] == "*"
            i += starred
            if value.rstrip().endswith("*"):  # `"estate plan*"` says what `"estate plan"*` does
                value, starred = value.rstrip().rstrip("*"), True
            yield negated, fieldname, value, True, starred
            continue
        start = i
        while i < n and not text[i].isspace():
            i += 1
        value = text[start:i]
        yield negated, fieldname, value.rstrip("*"), False, value.endswith("*")


def _date_filter(fieldname: str, value: str, today: date | None) -> date:
    try:
        return parse_date(value, today)
    except ValidationError as exc:
        raise QueryError(f"{fieldname}: {exc}") from None


def _choice(fieldname: str, value: str, parse: Callable[[str], Any]) -> Any:
    try:
        return parse(value)
    except ValidationError as exc:
        raise QueryError(f"{fieldname}: {exc}") from None


def parse_query(text: str, today: date | None = None) -> Query:
    """Read a query; raise QueryError (one line) when it cannot be read.

    `today` anchors relative dates ("friday", "2 weeks ago"); default: the real today.
    """
    parts: dict[str, list[Any]] = defaultdict(list)
    since: date | None = None
    before: date | None = None
    for negated, fieldname, value, quoted, starred in _lex(text):
        if fieldname in ("since", "before", "on"):
            if negated:
                raise QueryError(f"{fieldname}: cannot be negated; use since: or before:")
            day = _date_filter(fieldname, value, today)
            if fieldname in ("since", "on"):
                since = day if since is None else max(since, day)
            if fieldname in ("before", "on"):
                end = day + timedelta(days=1) if fieldname == "on" else day
                before = end if before is None else min(before, end)
        elif fieldname == "stage":
            from netui.core.model import Stage

            parts["excluded_stages" if negated else "stages"].append(
                _choice(fieldname, value, Stage.parse)
            )
        elif fieldname == "channel":
            from netui.core.model import Channel

            parts["excluded_channels" if negated else "channels"].append(
                _choice(fieldname, value, Channel.parse)
            )
        else:
            tokens = tuple(words(fold(value)))
            if not tokens:
                if fieldname:
                    raise QueryError(f"{fieldname}: needs a word to look for")
                continue  # bare punctuation: nothing to look for
            term = Term(tokens, prefix=starred or not quoted, field=fieldname)
            if fieldname:
                parts["excluded_filters" if negated else "filters"].append(term)
            else:
                parts["excluded" if negated else "terms"].append(term)
    return Query(
        text=text,
        terms=tuple(parts["terms"]),
        excluded=tuple(parts["excluded"]),
        filters=tuple(parts["filters"]),
        excluded_filters=tuple(parts["excluded_filters"]),
        stages=frozenset(parts["stages"]),
        excluded_stages=frozenset(parts["excluded_stages"]),
        channels=frozenset(parts["channels"]),
        excluded_channels=frozenset(parts["excluded_channels"]),
        since=since,
        before=before,
    )


# -- documents -------------------------------------------------------------------------------


def _contact_fields(contact: Contact) -> tuple[tuple[str, str], ...]:
    """(label, text) of each searchable contact field, in the order snippets prefer them."""
    return (
        ("name", contact.name),
        ("company", contact.company),
        ("title", contact.title),
        ("tags", ", ".join(contact.tags)),
        ("met at", contact.met_at),
        ("needs", "; ".join(contact.needs)),
        ("offers", "; ".join(contact.offers)),
        ("notes", contact.notes),
        ("mention", contact.mention),
    )


if TYPE_CHECKING:  # for the type checker alone: a Protocol class costs ~0.2 ms to make

    class DiaryText(Protocol):
        """What a conversation's hit shows of it (a `Conversation` has it; so has the search
        cache's `cache.DiaryEntry`, read without building the whole record)."""

        @property
        def id(self) -> str: ...

        @property
        def on(self) -> date: ...

        @property
        def note(self) -> str: ...

        @property
        def recommended(self) -> str: ...

        @property
        def observations(self) -> str: ...

        @property
        def did(self) -> str: ...

        @property
        def correspondence(self) -> Sequence[str]: ...


def _conversation_fields(conv: DiaryText) -> tuple[tuple[str, str], ...]:
    labelled = [
        ("note", conv.note),
        ("recommended", conv.recommended),
        ("observations", conv.observations),
        ("did", conv.did),
    ]
    labelled.extend(("correspondence", letter) for letter in conv.correspondence)
    return tuple(labelled)


_FILTER_LABEL = {"name": "name", "company": "company", "tag": "tags", "at": "met at"}


class _ContactDoc:
    """A contact and its folded text (plain slotted classes here, not dataclasses: making a
    dataclass imports `inspect`, ~5 ms of `netui search`, which makes none of these)."""

    __slots__ = ("contact", "fields", "text")

    def __init__(self, contact: Contact, text: str, fields: dict[str, str]) -> None:
        self.contact = contact
        self.text = text  # every searchable field, folded, SEP-joined
        self.fields = fields  # folded text of each filter field (name, company, tag, at)


# What the index keeps of a conversation's folded text: None when every field is plain ASCII
# (folded, it is `lower()` of the raw text, remade in ~0.6 us), else each field's fold, None
# for the ASCII ones. At 100,000 conversations the whole folded text held beside the raw
# was 38 MiB (a Greek name in an observation made the whole document two bytes a
# character); these keep 13 MiB. With the documents made on demand (`_Corpus`), the TUI's
# peak with its index built went 248 -> 217 MiB; the build did not slow (2.7 s either way
# on a busy machine: the ASCII fields are no longer decomposed by NFKD).
Folded = tuple[str | None, ...] | None


def kept_fold(texts: Sequence[str], folds: dict[str, str] | None = None) -> Folded:
    """The part of `fold(SEP.join(texts))` worth keeping (see `Folded`). Field by field
    equals the whole: folding maps characters one by one and a mark never crosses SEP.
    `folds` remembers each text's fold for one build: a text read twice (the store shares
    repeated ones) is folded once and kept once (at 100,000 entries: 2 MiB less, the
    folding ~245 -> ~220 ms of CPU)."""
    if all(map(str.isascii, texts)):
        return None
    if folds is None:
        return tuple(None if text.isascii() else fold(text) for text in texts)
    return tuple(
        None if text.isascii() else folds.get(text) or folds.setdefault(text, fold(text))
        for text in texts
    )


def unfold_kept(texts: Sequence[str], kept: Folded) -> str:
    """`fold(SEP.join(texts))` from what `kept_fold` kept of it."""
    if kept is None:
        return SEP.join(texts).lower()
    return SEP.join(
        [text.lower() if f is None else f for text, f in zip(texts, kept, strict=False)]
    )


class _ConversationDoc:
    """A conversation and its folded text: given whole (a scan folds it anyway), or remade
    from what the index keeps (`Folded`) when asked for. The price of keeping so little: a
    phrase is checked on each candidate's text, remade in ~0.6 us (ASCII) or ~1.4 us (not),
    so `"the a"` (its words in nearly every entry, the phrase in few) went 190 -> 340 ms at
    100,000 conversations; phrases of rarer words (`"estate planning"`) stay at ~2 ms."""

    __slots__ = ("_folded", "_kept", "conversation")

    def __init__(
        self, conversation: Conversation, text: str | None = None, kept: Folded = None
    ) -> None:
        self.conversation = conversation
        self._folded = text
        self._kept = kept

    @property
    def text(self) -> str:
        if self._folded is None:  # made once: a query of several terms asks for each
            self._folded = unfold_kept(self.conversation.texts(), self._kept)
        return self._folded


_texts_of = methodcaller("texts")  # a record's free text (the model is imported where used)


def conversation_doc(conv: Conversation) -> _ConversationDoc:
    return _ConversationDoc(conv, kept=kept_fold(conv.texts()))


def contact_doc(contact: Contact) -> _ContactDoc:
    raw = (
        contact.name,
        contact.company,
        contact.title,
        SEP.join(contact.tags),
        contact.met_at,
        SEP.join(contact.needs),
        SEP.join(contact.offers),
        contact.notes,
        contact.mention,
    )
    fields = {
        "name": fold(contact.name),
        "company": fold(contact.company),
        "tag": fold(raw[3]),
        "at": fold(contact.met_at),
    }
    return _ContactDoc(contact, fold(SEP.join(raw)), fields)


def _contact_order(contact: Contact) -> tuple[int, str, str]:
    """Newest met first (never met last), then by name."""
    met = contact.met_on.toordinal() if contact.met_on else 0
    return (-met, fold(contact.name), contact.id)


def _conversation_order(conv: Conversation) -> tuple[date, str, str]:
    return (conv.on, conv.created, conv.id)


class _Corpus:
    """The records, folded once and numbered in result order: contacts, then conversations.

    A conversation's document is made when a search reaches it (`conversation_doc`), from
    the record and what is kept of its fold (`folded`): one object per conversation held for
    the index's lifetime was 4.6 MiB at 100,000."""

    def __init__(self, contacts: Iterable[Contact], conversations: Iterable[Conversation]) -> None:
        ranked = sorted(contacts, key=_contact_order)
        self.contacts = [contact_doc(c) for c in ranked]
        place = {c.id: i for i, c in enumerate(ranked)}
        self.conversations = sorted(
            (v for v in conversations if v.contact_id in place),
            key=_conversation_order,
            reverse=True,
        )
        folds: dict[str, str] = {}
        self.folded = [kept_fold(v.texts(), folds) for v in self.conversations]
        self.owners = [place[v.contact_id] for v in self.conversations]  # contact of each

    def conversation_doc(self, rank: int) -> _ConversationDoc:
        return _ConversationDoc(self.conversations[rank], kept=self.folded[rank])

    def conversation_texts(self) -> Iterator[str]:
        """Each conversation's folded text, in rank order (made one at a time)."""
        return map(unfold_kept, map(_texts_of, self.conversations), self.folded)


# -- matching one record (the reference the index must agree with) ---------------------------


def _passes_contact_filters(q: Query, doc: _ContactDoc) -> bool:
    stage = doc.contact.stage
    if (q.stages and stage not in q.stages) or stage in q.excluded_stages:
        return False
    if not all(t.matches(doc.fields[t.field or ""]) for t in q.filters):
        return False
    return not any(t.matches(doc.fields[t.field or ""]) for t in q.excluded_filters)


def _is_contact_hit(q: Query, doc: _ContactDoc) -> bool:
    return (
        not q.about_conversations_only
        and _passes_contact_filters(q, doc)
        and all(t.matches(doc.text) for t in q.terms)
        and not any(t.matches(doc.text) for t in q.excluded)
    )


def _is_conversation_hit(q: Query, doc: _ConversationDoc, owner: _ContactDoc) -> bool:
    return (
        _passes_conversation_filters(q, doc.conversation)
        and _passes_contact_filters(q, owner)
        and _matches_conversation(q, doc, owner)
    )


def _passes_conversation_filters(q: Query, conv: Conversation) -> bool:
    if (q.since and conv.on < q.since) or (q.before and conv.on >= q.before):
        return False
    return not (
        (q.channels and conv.channel not in q.channels) or conv.channel in q.excluded_channels
    )


def _matches_conversation(q: Query, doc: _ConversationDoc, owner: _ContactDoc) -> bool:
    """The words: each in the conversation or its contact, at least one in the conversation."""
    matched_itself = not q.terms
    for term in q.terms:
        if term.matches(doc.text):
            matched_itself = True
        elif not term.matches(owner.text):
            return False
    if not matched_itself:
        return False
    return not any(t.matches(doc.text) or t.matches(owner.text) for t in q.excluded)


def _name_matches(q: Query, doc: _ContactDoc) -> bool:
    return any(t.field == "name" for t in q.filters) or any(
        t.matches(doc.fields["name"]) for t in q.terms
    )


# -- hits ------------------------------------------------------------------------------------


class Hit(NamedTuple):
    """One result: a contact, or one conversation of a contact."""

    kind: str  # "contact" | "conversation"
    contact_id: str
    name: str
    conversation_id: str | None
    on: date | None  # the conversation's day; for a contact, the day you met
    field: str  # which field the snippet comes from: "note", "recommended", "company", ...
    snippet: str  # one line of the matched text, "…" where cut
    spans: tuple[tuple[int, int], ...] = ()  # [start, end) of each match within the snippet
    archived: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "contact_id": self.contact_id,
            "name": self.name,
            "kind": self.kind,
            "conversation_id": self.conversation_id,
            "on": self.on.isoformat() if self.on else None,
            "snippet": self.snippet,
        }


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    if len(spans) < 2:
        return spans  # most hits: one match in the field shown
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _spans_in(text: str, terms: Sequence[Term]) -> list[tuple[int, int]]:
    """Where the terms match in original `text`, in its own character offsets."""
    folded, origins = fold_with_offsets(text)
    spans = [
        (origins[m.start()], origins[m.end() - 1] + 1)
        for term in terms
        for m in term.finditer(folded)
        if m.end() > m.start()
    ]
    return _merged(spans)


def _window(text: str, spans: list[tuple[int, int]]) -> tuple[str, tuple[tuple[int, int], ...]]:
    """A snippet of at most SNIPPET_WIDTH characters around the first match."""
    if len(text) <= SNIPPET_WIDTH:
        return text, tuple(spans)
    first = spans[0][0] if spans else 0
    start = max(0, min(first - SNIPPET_LEAD, len(text) - SNIPPET_WIDTH))
    if start > 0:
        space = text.find(" ", start, first)
        start = space + 1 if space >= 0 else start  # begin on a word
    end = min(len(text), start + SNIPPET_WIDTH)
    lead = "…" if start > 0 else ""
    shift = len(lead) - start
    inside = tuple(
        (max(a, start) + shift, min(b, end) + shift) for a, b in spans if a < end and b > start
    )
    return lead + text[start:end] + ("…" if end < len(text) else ""), inside


def _best_field(
    labelled: Sequence[tuple[str, str]], terms: Sequence[Term], skip: str | None = None
) -> tuple[str, str, list[tuple[int, int]]]:
    """The first field where a term matches; else the first non-empty one but `skip`.

    A plain ASCII field that holds no term's first word (as folded text holds it) cannot
    match, and is passed without folding it (1,000 conversation hits: ~8 -> ~5 ms).
    """
    firsts = [term.tokens[0] for term in terms]
    for label, raw in labelled:
        if not raw or (raw.isascii() and not any(map(raw.lower().__contains__, firsts))):
            continue  # a match holds its first word, whitespace aside: none here
        text = " ".join(raw.split())
        spans = _spans_in(text, terms) if terms and text else []
        if spans:
            return label, text, spans
    texts = [(label, " ".join(raw.split())) for label, raw in labelled]
    for label, text in texts:
        if text and label != skip:
            return label, text, []
    return texts[0][0], texts[0][1], []


def contact_hit(q: Query, contact: Contact) -> Hit:
    """The hit shown for a contact that matched `q`."""
    filter_fields = [(_FILTER_LABEL[t.field or ""], t) for t in q.filters]
    labelled = _contact_fields(contact)
    label, text, spans = _best_field(labelled, q.terms, skip="name")
    if not spans and filter_fields:  # filters only: show what the filter found
        shown = dict(labelled)
        label = filter_fields[0][0]
        text = " ".join(shown[label].split())
        spans = _spans_in(text, [t for lab, t in filter_fields if lab == label])
    snippet, inside = _window(text, spans)
    return Hit(
        "contact",
        contact.id,
        contact.name,
        None,
        contact.met_on,
        label,
        snippet,
        inside,
        contact.archived,
    )


def conversation_hit(q: Query, conv: DiaryText, contact: Person) -> Hit:
    """The hit shown for a conversation (of `contact`) that matched `q`."""
    label, text, spans = _best_field(_conversation_fields(conv), q.terms)
    snippet, inside = _window(text, spans)
    return Hit(
        "conversation",
        contact.id,
        contact.name,
        conv.id,
        conv.on,
        label,
        snippet,
        inside,
        contact.archived,
    )


def _as_query(query: Query | str, today: date | None) -> Query:
    return parse_query(query, today) if isinstance(query, str) else query


def search_records(
    query: Query | str,
    contacts: Iterable[Contact],
    conversations: Iterable[Conversation],
    limit: int | None = None,
    today: date | None = None,
) -> list[Hit]:
    """Answer one query by scanning the records: no index to build, for one-shot commands.

    Conversations are folded lazily, newest first, so a limit stops the work early.
    """
    q = _as_query(query, today)
    if q.is_empty:
        return []
    ranked = sorted(contacts, key=_contact_order)
    folded: dict[str, _ContactDoc] = {}

    def doc_of(contact: Contact) -> _ContactDoc:
        if contact.id not in folded:
            folded[contact.id] = contact_doc(contact)
        return folded[contact.id]

    hits: list[Hit] = []
    if not q.about_conversations_only:
        found = [d for d in map(doc_of, ranked) if _is_contact_hit(q, d)]
        found.sort(key=lambda d: not _name_matches(q, d))  # stable: keeps newest-met order
        hits = [contact_hit(q, d.contact) for d in found[:limit]]
    by_id = {c.id: c for c in ranked}
    known = (v for v in conversations if v.contact_id in by_id)
    newest_first = sorted(known, key=_conversation_order, reverse=True)
    # A conversation must hold one of the words itself: find those in one pass.
    candidates: Iterable[tuple[int, str | None]] = (
        _texts_matching(q.terms, newest_first)
        if q.terms
        else ((i, None) for i in range(len(newest_first)))
    )
    for i, text in candidates:
        if limit is not None and len(hits) >= limit:
            break
        conv = newest_first[i]
        if not _passes_conversation_filters(q, conv):
            continue
        owner = doc_of(by_id[conv.contact_id])
        if _passes_contact_filters(q, owner):
            doc = conversation_doc(conv) if text is None else _ConversationDoc(conv, text)
            if _matches_conversation(q, doc, owner):
                hits.append(conversation_hit(q, conv, owner.contact))
    return hits


def _texts_matching(
    terms: Sequence[Term], conversations: Sequence[Conversation], chunk: int = 4096
) -> Iterator[tuple[int, str]]:
    """Which conversations hold a term in their own text, in order, with their folded text.

    A chunk at a time, one regex pass over its joined folded text rather than a search
    per conversation and term (the regex engine skips non-matching text at C speed);
    chunks keep a limited search from folding more than it needs.
    """
    for first in range(0, len(conversations), chunk):
        folded = [fold(SEP.join(v.texts())) for v in conversations[first : first + chunk]]
        joined = DOC_SEP.join(folded)
        ends = doc_ends(map(len, folded))
        found = set(chain.from_iterable(docs_matching(term, joined, ends) for term in terms))
        yield from ((first + i, folded[i]) for i in sorted(found))


def doc_ends(lengths: Iterable[int]) -> list[int]:
    """Where each document of a DOC_SEP-joined text ends (the next one starts there)."""
    return list(accumulate(length + len(DOC_SEP) for length in lengths))


def docs_matching(term: Term, joined: str, ends: Sequence[int]) -> Iterator[int]:
    """Which documents of `joined` (DOC_SEP-joined folded texts) the term matches, in order.

    Exactly `term.matches` on each document: no match can span DOC_SEP. One regex pass
    skips non-matching text at C speed; after a hit it jumps to the next document.
    """
    pattern, pos = _pattern(term.tokens, term.prefix), 0
    while (match := pattern.search(joined, pos)) is not None:
        i = bisect_right(ends, match.start())
        yield i
        pos = ends[i]


def utf8_docs_matching(
    term: Term, joined: bytes | memoryview, ends: Sequence[int]
) -> Iterator[int]:
    """`docs_matching` over the UTF-8 bytes of the joined text, without decoding all of it.

    On bytes the pattern finds every document it finds on text (no byte of a non-ASCII
    character is a word character there, so word boundaries only loosen) and maybe a few
    more: a document found that is not plain ASCII is checked on its decoded text.
    """
    pattern, pos = _utf8_pattern(term.tokens, term.prefix), 0
    while (match := pattern.search(joined, pos)) is not None:
        i = bisect_right(ends, match.start())
        doc = bytes(joined[ends[i - 1] if i else 0 : ends[i] - len(DOC_SEP)])
        if doc.isascii() or term.matches(doc.decode("utf-8", "surrogatepass")):
            yield i
        pos = ends[i]


@lru_cache(maxsize=1024)
def _utf8_pattern(tokens: tuple[str, ...], prefix: bool) -> re.Pattern[bytes]:
    return re.compile(_pattern(tokens, prefix).pattern.encode("utf-8", "surrogatepass"))


# -- the index -------------------------------------------------------------------------------


def _bits(ids: Iterable[int], size: int) -> int:
    """A bitset (bit i set = document i) from document numbers."""
    flags = bytearray(b"0") * size
    for i in ids:
        flags[i] = 49  # "1"
    flags.reverse()
    return int(flags, 2) if size else 0


def _ones(bits: int) -> Iterator[int]:
    """The set bits of a bitset, lowest (= first result) first."""
    digits = format(bits, "b")
    top = end = len(digits)
    while (pos := digits.rfind("1", 0, end)) >= 0:
        yield top - 1 - pos
        end = pos


def postings_of(token_sets: Iterable[Iterable[str]]) -> dict[str, array[int]]:
    """Which documents (numbered in order) hold each token: the in-memory index's and the
    search cache's word index alike. Int arrays, not lists: 3 million postings at 100,000
    conversations were the build's transient peak (a list slot 8 bytes and a boxed int 28,
    against 4 bytes here)."""
    postings: defaultdict[str, array[int]] = defaultdict(lambda: array("i"))
    for doc, tokens in enumerate(token_sets):
        for token in tokens:
            postings[token].append(doc)
    return postings


class _WordIndex:
    """Which documents hold each word: a bitset for common words, a compact array for rare.

    A prefix takes the union over a range of the sorted vocabulary; recent answers are
    cached because typing "e", "es", "est" asks for overlapping prefixes again and again.
    """

    CACHE_SIZE = 512

    def __init__(self, token_sets: Iterable[Iterable[str]], size: int) -> None:
        postings = postings_of(token_sets)
        self.size = size
        self.vocabulary = sorted(postings)
        dense_from = max(64, size // 32)  # where a bitset gets smaller than an int array
        self._dense = {w: _bits(ids, size) for w, ids in postings.items() if len(ids) >= dense_from}
        self._sparse = {w: ids for w, ids in postings.items() if len(ids) < dense_from}
        self._cache: OrderedDict[tuple[str, bool], int] = OrderedDict()

    def docs(self, word: str, prefix: bool) -> int:
        key = (word, prefix)
        if key in self._cache:
            self._cache.move_to_end(key)
            return self._cache[key]
        if prefix:
            lo = bisect_left(self.vocabulary, word)
            hi = bisect_left(self.vocabulary, word + _LAST_CHAR, lo)
            matched = self.vocabulary[lo:hi]
        else:
            matched = [word]
        bits, rare = 0, list[int]()
        for w in matched:
            if w in self._dense:
                bits |= self._dense[w]
            else:
                rare.extend(self._sparse.get(w, ()))
        if rare:
            bits |= _bits(rare, self.size)
        self._cache[key] = bits
        if len(self._cache) > self.CACHE_SIZE:
            self._cache.popitem(last=False)
        return bits

    def forget_cache(self) -> None:
        self._cache.clear()

    def all_of(self, tokens: Sequence[str], prefix: bool) -> int:
        """Documents holding every token (the last maybe as a prefix): a phrase's candidates."""
        bits = self.docs(tokens[-1], prefix)
        for token in tokens[:-1]:
            if not bits:
                break
            bits &= self.docs(token, False)
        return bits


def _tagged(fieldname: str, tokens: Iterable[str]) -> Iterator[str]:
    """Words of a contact field, marked with the field, so `name:ann` has its own postings."""
    return (f"{SEP}{fieldname}{SEP}{t}" for t in tokens)  # no plain word starts with SEP


if TYPE_CHECKING:

    class _StoreLike(Protocol):
        version: int

        @property
        def contacts_by_id(self) -> dict[str, Contact]: ...

        def all_conversations(self) -> list[Conversation]: ...


class _Overlay:
    """Records changed since the index was built: searched one by one, the old copies hidden.

    This and `_TermBits` are plain slotted classes: a named tuple takes ~0.25 ms to make, paid
    by every `netui search`, which never builds an index."""

    __slots__ = ("contacts", "conversations", "dead_contacts", "dead_conversations")

    def __init__(
        self,
        dead_contacts: int = 0,  # indexed contacts changed or gone
        dead_conversations: int = 0,  # changed, gone, or whose contact changed
        contacts: Sequence[_ContactDoc] = (),
        conversations: Sequence[tuple[_ConversationDoc, _ContactDoc]] = (),
    ) -> None:
        self.dead_contacts = dead_contacts
        self.dead_conversations = dead_conversations
        self.contacts = contacts
        self.conversations = conversations

    @property
    def size(self) -> int:
        return len(self.contacts) + len(self.conversations)


class _TermBits:
    __slots__ = ("contacts", "own", "reach")

    def __init__(self, contacts: int, own: int, reach: int) -> None:
        self.contacts = contacts  # contacts the term matches (exact)
        self.own = (
            own  # conversations whose own text holds the term's words (exact unless a phrase)
        )
        self.reach = reach  # own, plus every conversation of a matching contact


class SearchIndex:
    """Every record folded and indexed once; `search` then takes milliseconds.

    Build it off the UI thread (seconds at 100,000 conversations); `version` records the
    store version it was built from, so a caller can tell when to build a new one.
    `search` is safe to call from several threads.
    """

    TERM_CACHE_SIZE = 256
    REBUILD_AFTER = 2_000  # changed records searched one by one before a rebuild is due

    def __init__(self, corpus: _Corpus, version: int | None = None) -> None:
        from netui.core.model import Channel, Stage

        self.version = version
        self._corpus = corpus
        contacts, convs = corpus.contacts, corpus.conversations
        self._n_contacts, self._n_convs = len(contacts), len(convs)
        self._all_contacts = (1 << len(contacts)) - 1
        self._all_convs = (1 << len(convs)) - 1
        self._contact_words = _WordIndex((self._contact_tokens(d) for d in contacts), len(contacts))
        self._conv_words = _WordIndex(map(set, map(words, corpus.conversation_texts())), len(convs))
        self._owners = corpus.owners
        self._convs_of: list[array[int]] = [array("i") for _ in contacts]
        for rank, owner in enumerate(self._owners):
            self._convs_of[owner].append(rank)
        self._pick_owners = itemgetter(*self._owners) if len(convs) > 1 else None
        self._stage_bits = {
            s: _bits((i for i, d in enumerate(contacts) if d.contact.stage is s), len(contacts))
            for s in Stage
        }
        self._channel_bits = {
            ch: _bits((i for i, v in enumerate(convs) if v.channel is ch), len(convs))
            for ch in Channel
        }
        self._day_keys = array("i", (-v.on.toordinal() for v in convs))  # ascending
        self._term_cache: OrderedDict[Term, _TermBits] = OrderedDict()
        self._lock = _thread.allocate_lock()
        self._overlay = _Overlay()
        self._object_ranks: dict[int, int] | None = None

    @classmethod
    def build(
        cls,
        contacts: Iterable[Contact],
        conversations: Iterable[Conversation],
        version: int | None = None,
    ) -> SearchIndex:
        return cls(_Corpus(contacts, conversations), version)

    @classmethod
    def of_store(cls, store: _StoreLike) -> SearchIndex:
        """Index every contact (archived too: their history is still worth finding)."""
        version = store.version
        return cls.build(store.contacts_by_id.values(), store.all_conversations(), version)

    def is_current(self, store: _StoreLike) -> bool:
        return self.version == store.version

    @property
    def wants_rebuild(self) -> bool:
        """So many records changed since the build that searching them one by one costs."""
        return self._overlay.size > self.REBUILD_AFTER

    def refreshed(self, store: _StoreLike) -> SearchIndex:
        """This index brought up to the store's current records (see `updated`)."""
        version = store.version
        return self.updated(store.contacts_by_id.values(), store.all_conversations(), version)

    def _rank_of_object(self) -> dict[int, int]:
        """id() of each indexed conversation object -> its rank (the corpus keeps them alive)."""
        if self._object_ranks is None:
            self._object_ranks = {id(v): r for r, v in enumerate(self._corpus.conversations)}
        return self._object_ranks

    def updated(
        self,
        contacts: Iterable[Contact],
        conversations: Sequence[Conversation],
        version: int | None = None,
    ) -> SearchIndex:
        """A copy that answers for these records, in milliseconds when few changed.

        Records are compared by identity: the store replaces a record's object whenever it
        changes, and never edits one in place. Changed and new records are searched one by
        one next to the index; when `wants_rebuild` says there are too many, build anew (in a
        worker). The copy shares the index and its caches with this one.
        """
        corpus = self._corpus
        indexed_contacts = {d.contact.id: i for i, d in enumerate(corpus.contacts)}
        current = {c.id: c for c in contacts}
        dead_contacts = [
            place
            for contact_id, place in indexed_contacts.items()
            if current.get(contact_id) is not corpus.contacts[place].contact
        ]
        changed_contacts = {
            c.id: contact_doc(c)
            for c in current.values()
            if c.id not in indexed_contacts
            or corpus.contacts[indexed_contacts[c.id]].contact is not c
        }
        # Which indexed conversation object each current one is (C-speed, for 100,000).
        ranks = list(map(self._rank_of_object().get, map(id, conversations)))
        present = set(ranks)
        present.discard(None)
        dead = set(range(self._n_convs)) - present if len(present) < self._n_convs else set()
        changed = list(compress(conversations, map(is_, ranks, repeat(None))))
        for place in dead_contacts:  # a changed contact's conversations go along with it
            for rank in self._convs_of[place]:
                dead.add(rank)
                if rank in present:
                    changed.append(corpus.conversations[rank])
        changed_convs = []
        for conv in changed:
            owner = changed_contacts.get(conv.contact_id)
            if owner is None and conv.contact_id in indexed_contacts:
                owner = corpus.contacts[indexed_contacts[conv.contact_id]]
            if owner is not None and conv.contact_id in current:
                changed_convs.append((conversation_doc(conv), owner))
        from copy import copy  # here: ~0.4 ms of every netui search, which never updates one

        fresh = copy(self)
        fresh.version = version
        fresh._overlay = _Overlay(
            _bits(dead_contacts, self._n_contacts),
            _bits(dead, self._n_convs),
            list(changed_contacts.values()),
            changed_convs,
        )
        return fresh

    @staticmethod
    def _contact_tokens(doc: _ContactDoc) -> set[str]:
        tokens = set(words(doc.text))
        for fieldname in TEXT_FIELDS:
            tokens.update(_tagged(fieldname, words(doc.fields[fieldname])))
        return tokens

    def forget_cache(self) -> None:
        """Drop remembered answers (benchmarks use it to time a query never seen before)."""
        with self._lock:
            self._term_cache.clear()
            self._contact_words.forget_cache()
            self._conv_words.forget_cache()

    # -- sets of documents

    def _expand(self, contact_bits: int) -> int:
        """The conversations of these contacts."""
        if not contact_bits or not self._n_convs:
            return 0
        if contact_bits == self._all_contacts:
            return self._all_convs
        if contact_bits.bit_count() <= 64:
            ranks = [r for c in _ones(contact_bits) for r in self._convs_of[c]]
            return _bits(ranks, self._n_convs)
        flags = format(contact_bits, "b").zfill(self._n_contacts)[::-1].encode()
        picked = self._pick_owners(flags) if self._pick_owners else (flags[self._owners[0]],)
        return int(bytes(picked)[::-1], 2)

    def _checked_contacts(self, bits: int, ok: Callable[[_ContactDoc], bool]) -> int:
        contacts = self._corpus.contacts
        return _bits((i for i in _ones(bits) if ok(contacts[i])), self._n_contacts)

    def _field_bits(self, term: Term) -> int:
        """Contacts whose `term.field` matches the term (exact)."""
        fieldname = term.field or ""
        bits = self._contact_words.all_of(list(_tagged(fieldname, term.tokens)), term.prefix)
        if term.is_phrase:
            bits = self._checked_contacts(bits, lambda d: term.matches(d.fields[fieldname]))
        return bits

    def _term_bits(self, term: Term) -> _TermBits:
        cached = self._term_cache.get(term)
        if cached is not None:
            self._term_cache.move_to_end(term)
            return cached
        contacts = self._contact_words.all_of(term.tokens, term.prefix)
        if term.is_phrase:
            contacts = self._checked_contacts(contacts, lambda d: term.matches(d.text))
        own = self._conv_words.all_of(term.tokens, term.prefix)
        found = _TermBits(contacts, own, own | self._expand(contacts))
        self._term_cache[term] = found
        if len(self._term_cache) > self.TERM_CACHE_SIZE:
            self._term_cache.popitem(last=False)
        return found

    def _contact_filter(self, q: Query) -> int:
        bits = self._all_contacts
        if q.stages:
            bits = 0
            for stage in q.stages:
                bits |= self._stage_bits[stage]
        for stage in q.excluded_stages:
            bits &= ~self._stage_bits[stage]
        for term in q.filters:
            bits &= self._field_bits(term)
        for term in q.excluded_filters:
            bits &= ~self._field_bits(term)
        return bits

    def _conversation_filter(self, q: Query) -> int:
        bits = self._all_convs
        if q.channels:
            bits = 0
            for channel in q.channels:
                bits |= self._channel_bits[channel]
        for channel in q.excluded_channels:
            bits &= ~self._channel_bits[channel]
        lo, hi = 0, self._n_convs
        if q.before is not None:
            lo = bisect_right(self._day_keys, -q.before.toordinal())
        if q.since is not None:
            hi = bisect_right(self._day_keys, -q.since.toordinal())
        if lo >= hi:
            return 0
        return bits & (((1 << (hi - lo)) - 1) << lo)

    def _name_bits(self, q: Query, among: int) -> int:
        """Which of `among` have a name the query matches (they are listed first)."""
        if any(t.field == "name" for t in q.filters):
            return among
        bits = 0
        for term in q.terms:
            bits |= self._field_bits(Term(term.tokens, term.prefix, "name"))
        return bits & among

    # -- the answer

    def search(
        self, query: Query | str, limit: int | None = None, today: date | None = None
    ) -> list[Hit]:
        """Hits for a query (a string is parsed first, and may raise QueryError)."""
        q = _as_query(query, today)
        if q.is_empty:
            return []
        with self._lock:
            return self._search(q, limit)

    def _base_bits(self, q: Query) -> tuple[int, int, int]:
        """The indexed records that match: (contacts, those whose name matches, conversations)."""
        passing = self._contact_filter(q)
        contacts = 0 if q.about_conversations_only else passing
        convs = self._expand(passing) & self._conversation_filter(q)
        itself = 0
        for term in q.terms:
            found = self._term_bits(term)
            contacts &= found.contacts
            convs &= found.reach
            itself |= found.own
        if q.terms:
            convs &= itself
        for term in q.excluded:
            found = self._term_bits(term)
            contacts &= ~found.contacts
            if not term.is_phrase:  # a phrase's `own` is a superset: checked one by one later
                convs &= ~found.reach
        contacts &= ~self._overlay.dead_contacts
        convs &= ~self._overlay.dead_conversations
        names = self._name_bits(q, contacts) if contacts else 0
        return contacts, names, convs

    def _contact_stream(self, q: Query, contacts: int, names: int) -> Iterator[_ContactDoc]:
        """Matching contacts in result order: names that match first, then newest met."""
        docs = self._corpus.contacts
        indexed = chain(
            ((0, docs[i]) for i in _ones(contacts & names)),
            ((1, docs[i]) for i in _ones(contacts & ~names)),
        )
        if not self._overlay.contacts:
            return (doc for _, doc in indexed)
        changed = sorted(
            ((not _name_matches(q, d), _contact_order(d.contact)), d)
            for d in self._overlay.contacts
            if _is_contact_hit(q, d)
        )
        keyed = (((group, _contact_order(d.contact)), d) for group, d in indexed)
        return (doc for _, doc in heapq.merge(keyed, changed, key=itemgetter(0)))

    def _conversation_stream(
        self, q: Query, convs: int
    ) -> Iterator[tuple[_ConversationDoc, _ContactDoc]]:
        """Matching conversations, newest first, each with its contact."""
        docs, check = self._corpus.contacts, q.needs_checking
        indexed = (
            (self._corpus.conversation_doc(rank), docs[self._owners[rank]]) for rank in _ones(convs)
        )
        indexed = (pair for pair in indexed if not check or _matches_conversation(q, *pair))
        if not self._overlay.conversations:
            return indexed
        changed = [pair for pair in self._overlay.conversations if _is_conversation_hit(q, *pair)]
        newest = lambda pair: _conversation_order(pair[0].conversation)  # noqa: E731
        changed.sort(key=newest, reverse=True)
        return heapq.merge(indexed, changed, key=newest, reverse=True)

    def _search(self, q: Query, limit: int | None) -> list[Hit]:
        contacts, names, convs = self._base_bits(q)
        hits: list[Hit] = []
        for doc in self._contact_stream(q, contacts, names):
            if limit is not None and len(hits) >= limit:
                return hits
            hits.append(contact_hit(q, doc.contact))
        for conv_doc, owner in self._conversation_stream(q, convs):
            if limit is not None and len(hits) >= limit:
                break
            hits.append(conversation_hit(q, conv_doc.conversation, owner.contact))
        return hits
