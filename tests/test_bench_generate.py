"""The benchmark corpus is deterministic and plants exactly the counts its manifest claims.

A tiny size only: the benchmarks themselves live in bench/ and are never run by pytest.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import vobject

from bench.generate import MARKERS, TAG_MARKER, Corpus, generate
from netui.core.db.store import Store

CONTACTS, CONVERSATIONS = 40, 300
ENTRY = re.compile(r"^\[\d{4}-\d\d-\d\d \d\d:\d\d\] ", re.MULTILINE)


@pytest.fixture(scope="module")
def twins(tmp_path_factory: pytest.TempPathFactory) -> tuple[Corpus, Corpus]:
    base = tmp_path_factory.mktemp("corpus")
    return (
        generate(base / "a", CONTACTS, CONVERSATIONS, seed=7),
        generate(base / "b", CONTACTS, CONVERSATIONS, seed=7),
    )


def records(corpus: Corpus) -> tuple[list[dict], list[dict]]:
    with Store.open(corpus.netui_db, create=False) as store:
        store.load_conversations()
        contacts = sorted((c.to_dict() for c in store.contacts_by_id.values()), key=str)
        convs = sorted((c.to_dict() for c in store.all_conversations()), key=str)
    return contacts, convs


def journal_entries(corpus: Corpus) -> list[str]:
    text = corpus.journal.read_text(encoding="utf-8")
    return ENTRY.split(text)[1:]


def test_same_seed_writes_the_same_corpus_for_every_tool(twins: tuple[Corpus, Corpus]) -> None:
    a, b = twins
    assert a.manifest() == b.manifest()
    assert a.journal.read_bytes() == b.journal.read_bytes()
    cards_a = {p.name: p.read_bytes() for p in a.vcards.iterdir()}
    cards_b = {p.name: p.read_bytes() for p in b.vcards.iterdir()}
    assert cards_a == cards_b
    assert records(a) == records(b)


def test_another_seed_writes_another_corpus(tmp_path: Path, twins: tuple[Corpus, Corpus]) -> None:
    other = generate(tmp_path / "c", CONTACTS, CONVERSATIONS, seed=8)
    assert other.journal.read_bytes() != twins[0].journal.read_bytes()


def test_sizes_match_the_manifest_in_every_format(twins: tuple[Corpus, Corpus]) -> None:
    corpus = twins[0]
    manifest = corpus.manifest()
    contacts, convs = records(corpus)
    assert len(contacts) == manifest["contacts"] == CONTACTS
    assert len(convs) == manifest["conversations"] == CONVERSATIONS
    assert len(journal_entries(corpus)) == CONVERSATIONS
    cards = [vobject.readOne(p.read_text(encoding="utf-8")) for p in corpus.vcards.iterdir()]
    assert len(cards) == CONTACTS
    assert {c.uid.value for c in cards} == {c["id"] for c in contacts}


def test_markers_are_planted_exactly_as_counted(twins: tuple[Corpus, Corpus]) -> None:
    corpus = twins[0]
    planted = corpus.manifest()["markers"]
    assert set(planted) == set(MARKERS)
    _, convs = records(corpus)
    entries = journal_entries(corpus)
    fields = ("note", "recommended", "observations", "did")
    texts = [" ".join([*(c[f] for f in fields), *c["correspondence"]]) for c in convs]
    for marker, count in planted.items():
        assert sum(marker in t for t in texts) == count
        assert all(t.count(marker) <= 1 for t in texts)
        # jrnl -contains and rg count entries and lines: the same number.
        assert sum(marker in e for e in entries) == count
        assert corpus.journal.read_text(encoding="utf-8").count(marker) == count


def test_tag_counts_hold_in_netui_and_in_the_vcards(twins: tuple[Corpus, Corpus]) -> None:
    corpus = twins[0]
    manifest = corpus.manifest()
    contacts, _ = records(corpus)
    for tag, count in manifest["tags"].items():
        assert sum(tag in c["tags"] for c in contacts) == count
    cards = [p.read_text(encoding="utf-8") for p in corpus.vcards.iterdir()]
    # khard's `list WORD` matches anywhere in a card: the marker tag must be nowhere else.
    assert sum(TAG_MARKER in card for card in cards) == manifest["tags"][TAG_MARKER]


def test_the_capture_contact_is_unique_by_name(twins: tuple[Corpus, Corpus]) -> None:
    corpus = twins[0]
    wanted = corpus.manifest()["capture_contact"]
    contacts, _ = records(corpus)
    named = [c for c in contacts if c["name"] == wanted["name"]]
    assert [c["id"] for c in named] == [wanted["id"]]


def test_peer_configs_point_at_the_corpus(twins: tuple[Corpus, Corpus]) -> None:
    corpus = twins[0]
    assert str(corpus.journal.resolve()) in corpus.jrnl_config.read_text(encoding="utf-8")
    assert f"path = {corpus.vcards.resolve()}" in corpus.khard_config.read_text(encoding="utf-8")
