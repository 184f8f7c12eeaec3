"""Pay it forward: suggest introductions where one contact needs what another offers.

Needs and offers are short phrases: one of the usual categories (clients, information,
ideas, introductions) or free text such as "a designer for the new shop". Two phrases
match when they share a meaningful word, compared case- and accent-blind and singular.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from netui.core.db.store import fold
from netui.core.model import Contact

CATEGORIES = ("clients", "information", "ideas", "introductions")

# Other ways people write a category, and words that carry no meaning for a match.
_SYNONYMS = {"customer": "client", "info": "information", "intro": "introduction"}
_STOPWORDS = frozenset(
    {
        "a", "an", "and", "any", "about", "as", "at", "by", "for", "from", "help", "in",
        "into", "more", "my", "new", "of", "on", "or", "our", "some", "the", "their", "to",
        "with", "who", "want", "wants", "need", "needs", "looking", "someone", "people",
    }
)  # fmt: skip
_WORD = re.compile(r"\w+")
PER_NEED = 5  # suggestions kept for each need, best first


def category(phrase: str) -> str | None:
    """The category a phrase names, if it is only that ("Intros" -> "introductions")."""
    words = terms(phrase)
    if len(words) != 1:
        return None
    (word,) = words
    for name in CATEGORIES:
        if terms(name) == {word}:
            return name
    return None


def clean_phrase(phrase: str) -> str:
    """A need or offer as stored: single-spaced, and a category in its usual spelling."""
    text = " ".join(phrase.split())
    return category(text) or text


def _singular(word: str) -> str:
    if len(word) > 3 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def terms(phrase: str) -> frozenset[str]:
    """The meaningful words of a phrase, folded and singular."""
    out = set()
    for word in _WORD.findall(fold(phrase)):
        if word in _STOPWORDS or len(word) < 2:
            continue
        word = _singular(word)
        out.add(_SYNONYMS.get(word, word))
    return frozenset(out)


@dataclass(frozen=True, slots=True)
class Match:
    """`needer` needs `need`; `giver` offers `offer`; they share `shared` words."""

    needer: Contact
    giver: Contact
    need: str
    offer: str
    shared: tuple[str, ...]

    def to_json(self) -> dict[str, object]:
        return {
            "needer_id": self.needer.id,
            "needer": self.needer.name,
            "need": self.need,
            "giver_id": self.giver.id,
            "giver": self.giver.name,
            "offer": self.offer,
            "shared": list(self.shared),
        }


def find_matches(contacts: Iterable[Contact], per_need: int = PER_NEED) -> list[Match]:
    """Introductions to suggest among active contacts, strongest first, then by name."""
    active = [c for c in contacts if not c.archived]
    offered: dict[str, list[tuple[Contact, str]]] = defaultdict(list)
    for giver in active:
        for offer in giver.offers:
            for term in terms(offer):
                offered[term].append((giver, offer))
    found: list[Match] = []
    for needer in active:
        for need in needer.needs:
            shared: dict[tuple[str, str], set[str]] = defaultdict(set)
            givers: dict[tuple[str, str], Contact] = {}
            for term in terms(need):
                for giver, offer in offered.get(term, ()):
                    if giver.id != needer.id:
                        shared[(giver.id, offer)].add(term)
                        givers[(giver.id, offer)] = giver
            best = sorted(shared, key=lambda k: (-len(shared[k]), fold(givers[k].name), k))
            found += [
                Match(needer, givers[k], need, k[1], tuple(sorted(shared[k])))
                for k in best[:per_need]
            ]
    found.sort(key=lambda m: (-len(m.shared), fold(m.needer.name), fold(m.giver.name)))
    return found
