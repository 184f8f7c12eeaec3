"""Search: the query language, what matches, the order of hits, and index = scan."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netui.core.db.store import fold as store_fold
from netui.core.errors import QueryError
from netui.core.model import Channel, Contact, Conversation, Stage
from netui.core.search.engine import (
    SEP,
    Hit,
    Query,
    SearchIndex,
    Term,
    _best_field,
    _spans_in,
    conversation_doc,
    fold,
    fold_with_offsets,
    kept_fold,
    parse_query,
    search_records,
)

TODAY = date(2026, 11, 24)


# -- the parser ------------------------------------------------------------------------------


def test_words_are_folded_terms_that_match_word_starts():
    q = parse_query("Estate PLANNING")
    assert q.terms == (Term(("estate",)), Term(("planning",)))
    assert all(t.prefix for t in q.terms)


def test_a_quoted_phrase_is_whole_words_unless_starred():
    assert parse_query('"estate planning"').terms == (Term(("estate", "planning"), prefix=False),)
    assert parse_query('"estate plan"*').terms == (Term(("estate", "plan"), prefix=True),)
    assert parse_query('"estate plan*"').terms == (Term(("estate", "plan"), prefix=True),)
    assert parse_query('"estate plan *"').terms == (Term(("estate", "plan"), prefix=True),)


def test_a_star_says_prefix_and_punctuation_splits_words():
    assert parse_query("plan*").terms == (Term(("plan",)),)
    assert parse_query("estate-planning").terms == (Term(("estate", "planning")),)
    assert parse_query("José").terms == (Term(("jose",)),)


def test_minus_excludes_words_and_filters():
    q = parse_query("estate -golf -tag:vip -stage:met -channel:email")
    assert q.terms == (Term(("estate",)),)
    assert q.excluded == (Term(("golf",)),)
    assert q.excluded_filters == (Term(("vip",), field="tag"),)
    assert q.excluded_stages == {Stage.MET}
    assert q.excluded_channels == {Channel.EMAIL}


def test_field_filters_take_quoted_values():
    q = parse_query('name:"ann lee" company:acme tag:legal at:mixer')
    assert q.filters == (
        Term(("ann", "lee"), prefix=False, field="name"),
        Term(("acme",), field="company"),
        Term(("legal",), field="tag"),
        Term(("mixer",), field="at"),
    )
    assert not q.terms


def test_stage_and_channel_filters_accept_several_values():
    q = parse_query("stage:called stage:coffee channel:phone")
    assert q.stages == {Stage.CALLED, Stage.COFFEE}
    assert q.channels == {Channel.CALL}  # the model's alias


def test_date_filters_use_the_cli_date_forms_and_combine():
    q = parse_query("since:2024-03-01 before:2024-04-01", today=TODAY)
    assert (q.since, q.before) == (date(2024, 3, 1), date(2024, 4, 1))
    on = parse_query("on:yesterday", today=TODAY)
    assert (on.since, on.before) == (TODAY - timedelta(days=1), TODAY)
    relative = parse_query('since:"2 weeks ago"', today=TODAY)
    assert relative.since == TODAY - timedelta(weeks=2)


def test_unknown_prefixes_are_plain_text():
    assert parse_query("re:contract").terms == (Term(("re", "contract")),)


def test_punctuation_alone_and_blank_queries_are_empty():
    assert parse_query("").is_empty
    assert parse_query("  - * ...").is_empty
    assert parse_query("-golf").is_empty  # exclusions need something to exclude from
    assert not parse_query("tag:vip").is_empty


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('"estate planning', "unclosed quote"),
        ("since:notadate", "since: invalid date"),
        ("before:", "before: needs a value"),
        ("stage:lunchish", "stage: unknown stage"),
        ("channel:pigeon", "channel: unknown channel"),
        ("-on:today", "cannot be negated"),
        ("name:***", "name: needs a word"),
    ],
)
def test_unreadable_queries_raise_a_one_line_query_error(text, message):
    with pytest.raises(QueryError, match=message) as caught:
        parse_query(text, today=TODAY)
    assert "\n" not in str(caught.value)


def test_fold_agrees_with_the_store():
    for text in ["José", "Zoë ÅSTRÖM", "straße", "ﬁne", "πελαργός", "İstanbul", "plain"]:
        assert fold(text) == store_fold(text)


# -- what matches ----------------------------------------------------------------------------

ANN = Contact(
    "José Álvarez",
    id="ann",
    company="Smith & Co",
    title="Estate lawyer",
    tags=["estate-planning", "vip"],
    met_at="March mixer",
    met_on=date(2024, 3, 5),
    stage=Stage.THANKED,
    needs=["a designer"],
)
BOB = Contact(
    "Bob Stone",
    id="bob",
    company="Acme",
    met_on=date(2024, 1, 1),
    stage=Stage.CALLED,
    notes="Knows Zoë from school",
)
ZOE = Contact("Zoë Planner", id="zoe", company="Golf Club", met_on=date(2023, 6, 1))
CONTACTS = [ANN, BOB, ZOE]
CONVERSATIONS = [
    Conversation(
        "ann",
        date(2024, 3, 6),
        id="c1",
        channel=Channel.COFFEE,
        note="Talked about estate planning and trusts.",
        recommended="Read 'Die Wise'.",
    ),
    Conversation("ann", date(2024, 4, 6), id="c2", note="Golf, and estate taxes."),
    Conversation(
        "bob",
        date(2024, 2, 1),
        id="c3",
        channel=Channel.EMAIL,
        note="Planning a call.",
        correspondence=["Dear Bob,\nthanks for the intro to the trust lawyer."],
    ),
    Conversation("zoe", date(2024, 2, 1), id="c4", observations="Loves sailing"),
]


@pytest.fixture(scope="module")
def index():
    return SearchIndex.build(CONTACTS, CONVERSATIONS)


@pytest.fixture(params=["index", "scan"])
def search(request, index):
    """Both engines answer every matcher test: the index and the one-shot scan."""
    if request.param == "index":
        return lambda text, limit=None: index.search(text, limit=limit, today=TODAY)
    return lambda text, limit=None: search_records(text, CONTACTS, CONVERSATIONS, limit, TODAY)


def found(hits: list[Hit]) -> list[str]:
    return [h.conversation_id or h.contact_id for h in hits]


def test_a_word_finds_contacts_first_then_conversations_newest_first(search):
    assert found(search("estate")) == ["ann", "c2", "c1"]


def test_accents_and_case_are_ignored_both_ways(search):
    assert found(search("jose")) == ["ann"]
    assert found(search("ZOE")) == ["zoe", "bob"]  # the name first, then the notes mention
    assert found(search("zoë")) == found(search("zoe"))


def test_a_bare_word_matches_the_start_of_words_only(search):
    assert found(search("plan")) == ["zoe", "ann", "c1", "c3"]  # Planner, estate-planning
    assert found(search("lann")) == []
    assert found(search("plan*")) == found(search("plan"))


def test_a_phrase_needs_its_words_in_order(search):
    assert found(search('"estate planning"')) == ["ann", "c1"]
    assert found(search('"planning estate"')) == []
    assert found(search('"estate plan"')) == []
    assert found(search('"estate plan"*')) == ["ann", "c1"]


def test_minus_excludes(search):
    assert found(search("estate -golf")) == ["ann", "c1"]
    assert found(search('estate -"estate taxes"')) == ["ann", "c1"]
    assert found(search("plan -zoe")) == ["ann", "c1"]  # c3's contact Bob knows Zoë


def test_words_may_match_the_contact_but_one_must_match_the_conversation(search):
    # "lawyer" is Ann's title; "trusts" is in c1 only.
    assert found(search("lawyer trusts")) == ["c1"]
    # Typing a name shows the person, not every conversation with them.
    assert found(search("alvarez")) == ["ann"]


def test_correspondence_and_every_diary_field_are_searched(search):
    assert found(search("intro")) == ["c3"]
    assert search("intro")[0].field == "correspondence"
    assert found(search("wise")) == ["c1"]
    assert found(search("sailing")) == ["c4"]


def test_contact_fields_are_searched(search):
    for word in ["smith", "lawyer", "vip", "march", "designer", "school"]:
        assert "ann" in found(search(word)) or "bob" in found(search(word)), word


def test_name_and_company_filters(search):
    assert found(search("name:bob")) == ["bob", "c3"]
    assert found(search("name:bob planning")) == ["c3"]
    assert found(search("company:golf")) == ["zoe", "c4"]
    assert found(search("name:golf")) == []
    assert found(search('name:"bob stone"')) == ["bob", "c3"]


def test_tag_and_at_filters(search):
    assert found(search("tag:estate")) == ["ann", "c2", "c1"]
    assert found(search("tag:vip taxes")) == ["c2"]
    assert found(search("at:march")) == ["ann", "c2", "c1"]
    assert found(search("-tag:vip plan")) == ["zoe", "c3"]


def test_stage_and_channel_filters(search):
    assert found(search("stage:called")) == ["bob", "c3"]
    assert found(search("stage:called stage:thanked estate")) == ["ann", "c2", "c1"]
    assert found(search("channel:coffee")) == ["c1"]
    assert found(search("estate -channel:coffee")) == ["c2"]


def test_date_filters_select_conversations(search):
    assert found(search("since:2024-03-01")) == ["c2", "c1"]
    assert found(search("before:2024-03-01")) == ["c4", "c3"]  # same day: by created, id
    assert found(search("on:2024-02-01")) == ["c4", "c3"]
    assert found(search("estate since:2024-04-01")) == ["c2"]
    assert found(search("since:2024-04-07")) == []


def test_the_limit_counts_every_hit(search):
    assert found(search("estate", limit=2)) == ["ann", "c2"]
    assert found(search("estate", limit=0)) == []


def test_an_empty_query_finds_nothing(search):
    assert search("") == []
    assert search("-estate") == []


def test_a_name_match_comes_before_other_contact_matches(search):
    # Zoë's name matches; Bob only mentions her in his notes.
    assert found(search("zoe"))[:2] == ["zoe", "bob"]


def test_snippets_show_the_match_with_its_spans(search):
    hit = search("jose")[0]
    assert (hit.kind, hit.name, hit.field, hit.snippet) == (
        "contact",
        "José Álvarez",
        "name",
        "José Álvarez",
    )
    assert [hit.snippet[a:b] for a, b in hit.spans] == ["José"]
    conv = search('"estate planning"')[1]
    assert conv.on == date(2024, 3, 6) and conv.conversation_id == "c1"
    assert [conv.snippet[a:b] for a, b in conv.spans] == ["estate planning"]


def test_a_long_field_is_cut_around_the_first_match():
    long = Conversation("bob", date(2024, 5, 1), id="long", note=("filler " * 40) + "needle " * 2)
    hit = search_records("needle", [BOB], [long])[0]
    assert hit.snippet.startswith("…") and len(hit.snippet) <= 102
    assert [hit.snippet[a:b] for a, b in hit.spans] == ["needle", "needle"]


def test_a_snippet_is_one_line_and_maps_spans_through_folding():
    conv = Conversation("bob", date(2024, 5, 1), id="x", note="Große\nStraße im Zoë-Haus")
    hit = search_records("strasse zoe", [BOB], [conv])[0]
    assert "\n" not in hit.snippet
    assert [hit.snippet[a:b] for a, b in hit.spans] == ["Straße", "Zoë"]


def test_to_json_has_the_cli_contract():
    hit = search_records('"estate planning"', CONTACTS, CONVERSATIONS)[1]
    assert hit.to_json() == {
        "contact_id": "ann",
        "name": "José Álvarez",
        "kind": "conversation",
        "conversation_id": "c1",
        "on": "2024-03-06",
        "snippet": "Talked about estate planning and trusts.",
    }


def test_the_index_knows_its_store_version(store):
    store.import_batch(contacts=[BOB], conversations=[CONVERSATIONS[2]])
    index = SearchIndex.of_store(store)
    assert index.is_current(store)
    assert found(index.search("intro")) == ["c3"]
    store.update_contact("bob", notes="new")
    assert not index.is_current(store)


# -- properties ------------------------------------------------------------------------------

QUERY_ALPHABET = st.sampled_from(
    [*'abeilnoprstz "-*:É ë', "name:", "tag:", "stage:", "since:", "on:", "channel:", "at:"]
)


@given(st.text())
def test_no_query_string_crashes_the_parser(text):
    try:
        query = parse_query(text, today=TODAY)
    except QueryError as exc:
        assert str(exc) and "\n" not in str(exc)
    else:
        assert isinstance(query, Query)


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(QUERY_ALPHABET, max_size=12).map("".join))
def test_search_never_raises_and_the_index_agrees_with_the_scan(index, text):
    try:
        query = parse_query(text, today=TODAY)
    except QueryError:
        return
    assert index.search(query) == search_records(query, CONTACTS, CONVERSATIONS)


WORDS = st.sampled_from(["estate", "plan", "planning", "zoë", "José", "golf", "a", "the"])
SENTENCES = st.lists(WORDS, max_size=6).map(" ".join)


@st.composite
def records(draw):
    count = draw(st.integers(1, 4))
    contacts = [
        Contact(
            draw(WORDS) + " " + draw(WORDS),
            id=f"p{i}",
            company=draw(SENTENCES),
            tags=draw(st.lists(WORDS, max_size=2)),
            stage=draw(st.sampled_from(list(Stage))),
            met_on=draw(st.none() | st.dates(date(2020, 1, 1), date(2020, 1, 9))),
        )
        for i in range(count)
    ]
    conversations = [
        Conversation(
            f"p{draw(st.integers(0, count - 1))}",
            draw(st.dates(date(2020, 1, 1), date(2020, 1, 9))),
            id=f"v{i}",
            channel=draw(st.sampled_from([Channel.EMAIL, Channel.CALL])),
            note=draw(SENTENCES),
            did=draw(SENTENCES),
        )
        for i in range(draw(st.integers(0, 8)))
    ]
    return contacts, conversations


@settings(max_examples=200)
@given(
    records(),
    st.lists(
        WORDS
        | st.sampled_from(
            [
                '"estate plan"',
                "-golf",
                "-the",
                "tag:plan",
                "stage:met",
                "channel:email",
                "since:2020-01-05",
                '-"a the"',
                "name:zoe",
            ]
        ),
        min_size=1,
        max_size=3,
    ).map(" ".join),
)
def test_the_index_agrees_with_the_scan_on_any_records(data, text):
    contacts, conversations = data
    query = parse_query(text, today=TODAY)
    index = SearchIndex.build(contacts, conversations)
    assert index.search(query) == search_records(query, contacts, conversations)
    assert index.search(query, limit=2) == search_records(query, contacts, conversations, 2)


@settings(max_examples=150)
@given(records(), records(), st.lists(st.booleans(), min_size=12, max_size=12), st.data())
def test_an_updated_index_agrees_with_a_scan_of_the_new_records(before, after, keep, data):
    """Changed, new and deleted records: `updated` answers as a fresh scan would."""
    old_contacts, old_convs = before
    new_contacts, new_convs = after
    old_by_id = {r.id: r for r in (*old_contacts, *old_convs)}
    # Keeping the very object stands for a record the store did not touch.
    contacts = [old_by_id.get(c.id, c) if keep[i] else c for i, c in enumerate(new_contacts)]
    convs = [old_by_id.get(v.id, v) if keep[4 + i] else v for i, v in enumerate(new_convs)]
    known = {c.id for c in contacts}
    convs = [v for v in convs if v.contact_id in known]
    text = data.draw(
        st.sampled_from(
            [
                "estate",
                "plan -golf",
                "stage:met",
                '"estate plan"',
                "name:zoe a",
                "channel:email since:2020-01-03",
                "the",
            ]
        )
    )
    index = SearchIndex.build(old_contacts, old_convs).updated(contacts, convs)
    query = parse_query(text, today=TODAY)
    assert index.search(query) == search_records(query, contacts, convs)
    assert index.search(query, limit=3) == search_records(query, contacts, convs, 3)


def test_refreshed_follows_the_store_without_a_rebuild(store):
    store.import_batch(contacts=[ANN, BOB], conversations=CONVERSATIONS[:3])
    index = SearchIndex.of_store(store)
    store.update_contact("bob", title="Estate planner")
    store.log(Conversation("ann", date(2024, 5, 1), id="c9", note="More on estate taxes."))
    fresh = index.refreshed(store)
    assert fresh.is_current(store) and not fresh.wants_rebuild
    assert found(fresh.search("estate")) == ["ann", "bob", "c9", "c2", "c1"]
    assert found(index.search("estate")) == ["ann", "c2", "c1"]  # the old one is unchanged
    assert found(fresh.search("stage:called planner")) == ["bob"]


# -- what the index keeps of the folded text remakes it exactly -----------------------------

# Accents (also alone at a field's start), styled and full-width letters, ß, İ, Greek, CJK.
FOLD_TEXT = st.text(
    st.sampled_from([*"aZ -\n", "\u0301", "\u0327", "é", "ß", "İ", "ﬁ", "𝓖", "Ｇ", "Σ", "ς", "花"])
    | st.characters(blacklist_categories=("Cs",)),
    max_size=12,
)


@settings(max_examples=300)
@given(st.lists(FOLD_TEXT, min_size=4, max_size=7))
def test_the_kept_fold_remakes_the_whole_documents_fold(texts):
    note, recommended, observations, did, *letters = texts
    conv = Conversation(
        "p", TODAY, note=note, recommended=recommended, observations=observations, did=did,
        correspondence=letters,
    )  # fmt: skip
    whole = fold(SEP.join(texts))
    assert conversation_doc(conv).text == whole
    kept = kept_fold(texts)  # nothing of a plain ASCII field (lower() remakes it)
    assert kept is None or all((f is None) == t.isascii() for f, t in zip(kept, texts, strict=True))


# -- the snippet's field: the ASCII shortcut answers as folding every field does -----------

SNIPPET_WORDS = ["Estate", "plan", "planning", "Zoë", "José", "golf", "a", "the", "Straße", "ß"]
FIELD_TEXT = st.lists(
    st.sampled_from(SNIPPET_WORDS) | st.sampled_from([" ", "\n", "\t", "-", "", "\u00a0"]),
    max_size=8,
).map("".join)


def _every_field_folded(labelled, terms, skip=None):
    """_best_field as first written: each field folded and searched in turn."""
    texts = []
    for label, raw in labelled:
        text = " ".join(raw.split())
        spans = _spans_in(text, terms) if terms and text else []
        if spans:
            return label, text, spans
        texts.append((label, text))
    for label, text in texts:
        if text and label != skip:
            return label, text, []
    return texts[0][0], texts[0][1], []


@settings(max_examples=300)
@given(
    st.lists(st.tuples(st.sampled_from(["note", "did", "name"]), FIELD_TEXT), min_size=1),
    st.lists(st.sampled_from([*SNIPPET_WORDS, "plan*", '"estate plan"', "ss", "zoe"]), max_size=3),
    st.sampled_from([None, "name"]),
)
def test_the_snippet_field_is_the_first_that_matches(labelled, words, skip):
    terms = parse_query(" ".join(words) or "x").terms if words else ()
    assert _best_field(labelled, terms, skip) == _every_field_folded(labelled, terms, skip)


FOLDED_LETTERS = st.sampled_from("aZ éÉßﬁΣσςİ\u0301Ｇ𝓖 \n-")  # one letter each, more, none


@given(st.text(alphabet=FOLDED_LETTERS, max_size=30) | st.text(max_size=30))
@settings(max_examples=300)
def test_folding_with_offsets_folds_each_character_and_says_where_each_came_from(text):
    # The shortcut (every letter folds to one, so no list of origins) and the long way
    # agree with folding one character at a time.
    folded, origins = [], []
    for index, char in enumerate(text):
        one = char.lower() if char.isascii() else fold(char)
        folded.append(one)
        origins.extend([index] * len(one))
    got, got_origins = fold_with_offsets(text)
    assert got == "".join(folded)
    assert list(got_origins) == origins
