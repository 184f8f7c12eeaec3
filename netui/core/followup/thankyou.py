"""Thank-you notes: drafted from the user's template, and kept as correspondence once sent.

The template is user text from the config file, so it is checked before use: only the named
fields below may appear, as plain `{name}` (no `{name.attr}` or `{0}`), and any mistake is
a `TemplateError` that says what to fix, never a traceback.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable
from datetime import date

from netui.core.dates import format_date
from netui.core.db.store import Store
from netui.core.errors import TemplateError, ValidationError
from netui.core.model import Channel, Contact, Conversation, Stage

# Thanks for an introduction is short and fixed; the user edits the draft if they like.
REFERRAL_THANK_YOU = """Dear {first_name},

Thank you for introducing me to {referred_name}. I will let you know how it goes.

Best regards,
"""

FIELDS = {
    "name": "the contact's full name",
    "first_name": "the first name",
    "company": "their company",
    "title": "their job title",
    "met_at": "where you met (or 'our meeting')",
    "met_on": "the day you met, e.g. Mon 24 Nov 2026",
    "met_when": "when you met, e.g. 'yesterday', 'on Monday', 'on 3 November'",
    "mention": "the thing to mention",
    "mention_sentence": "a sentence about the thing to mention (empty if none)",
    "referred_name": "for an introduction: the person you were introduced to",
}

SENT_CHANNELS = (Channel.EMAIL, Channel.NOTE)

_HONORIFICS = {"dr", "mr", "mrs", "ms", "mx", "prof", "sir", "dame"}
_SPACES = re.compile(r"(?<=\S) {2,}")
_SPACE_BEFORE_PUNCT = re.compile(r" +(?=[.,;:!?])")


def first_name(name: str) -> str:
    """The name to greet with: the first word that is not a title such as 'Dr.'."""
    words = name.split()
    for word in words:
        if word.rstrip(".").casefold() not in _HONORIFICS:
            return word
    return name


def met_when(met_on: date | None, today: date) -> str:
    """How a letter says when you met: 'today', 'yesterday', 'on Monday', 'on 3 November'."""
    if met_on is None:
        return ""
    days = (today - met_on).days
    if days == 0:
        return "today"
    if days == 1:
        return "yesterday"
    import pendulum  # only when drafting: keeps the CLI's start fast

    day = pendulum.Date(met_on.year, met_on.month, met_on.day)
    if 1 < days < 7:
        return f"on {day.format('dddd')}"
    return "on " + day.format("D MMMM" if met_on.year == today.year else "D MMMM YYYY")


def mention_sentence(mention: str) -> str:
    topic = mention.strip().rstrip(".!")
    return f"I especially enjoyed our talk about {topic}." if topic else ""


def note_fields(contact: Contact, today: date, referred_name: str = "") -> dict[str, str]:
    """The values a template may use for this contact."""
    return {
        "name": contact.name,
        "first_name": first_name(contact.name),
        "company": contact.company,
        "title": contact.title,
        "met_at": contact.met_at.strip() or "our meeting",
        "met_on": format_date(contact.met_on) if contact.met_on else "",
        "met_when": met_when(contact.met_on, today),
        "mention": contact.mention.strip(),
        "mention_sentence": mention_sentence(contact.mention),
        "referred_name": referred_name,
    }


def check_template(template: str, known: Iterable[str] = FIELDS, what: str = "thank-you") -> None:
    """Raise TemplateError unless every `{field}` in the template is a known plain name."""
    known = tuple(known)
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise TemplateError(
            f"{what} template is malformed ({exc}); write {{{{ and }}}} for literal braces"
        ) from None
    for _literal, field, spec, conversion in parsed:
        if field is None:
            continue
        if field not in known:
            names = ", ".join(f"{{{name}}}" for name in known)
            raise TemplateError(f"{what} template uses unknown field {{{field}}}; use {names}")
        if spec or conversion:
            # `{name:>900000000}` would allocate a gigabyte: plain fields only.
            written = f"{{{field}{'!' + conversion if conversion else ''}:{spec}}}"[:40]
            raise TemplateError(
                f"{what} template: {written} has a format spec or conversion; "
                f"write plain {{{field}}}"
            )


def _tidy(line: str) -> str:
    return _SPACE_BEFORE_PUNCT.sub("", _SPACES.sub(" ", line)).rstrip()


def fill(template: str, fields: dict[str, str], what: str = "thank-you") -> str:
    """Fill a checked template, then tidy the gaps an empty field leaves behind."""
    check_template(template, fields if what != "thank-you" else FIELDS, what)
    try:
        text = template.format_map(fields)
    except (ValueError, TypeError) as exc:
        raise TemplateError(f"{what} template cannot be filled in: {exc}") from None
    lines = [
        _SPACE_BEFORE_PUNCT.sub("", _SPACES.sub(" ", line)).rstrip() for line in text.split("\n")
    ]
    return "\n".join(lines).strip("\n") + "\n"


def draft(contact: Contact, template: str, today: date) -> str:
    """The thank-you note for someone you met."""
    return fill(template, note_fields(contact, today))


def draft_for_introduction(referrer: Contact, referred: Contact | None, today: date) -> str:
    """The thank-you note to someone who introduced you to someone."""
    who = referred.name if referred is not None else "them"
    return fill(REFERRAL_THANK_YOU, note_fields(referrer, today, referred_name=who))


def record_sent(
    store: Store, contact_id: str, text: str, channel: Channel, on: date
) -> Conversation:
    """Log the sent note on the contact's diary, keeping a copy of the letter."""
    if channel not in SENT_CHANNELS:
        raise ValidationError(
            f"a thank-you is sent by email or as a handwritten note, not {channel}"
        )
    kind = "handwritten thank-you note" if channel is Channel.NOTE else "thank-you email"
    conversation = Conversation(
        contact_id=contact_id,
        on=on,
        channel=channel,
        note=f"Sent a {kind}",
        correspondence=[text.strip()],
    )
    return store.log(conversation)


def mark_sent(
    store: Store,
    contact_id: str,
    text: str,
    channel: Channel,
    on: date,
    *,
    referral_id: str | None = None,
) -> Conversation:
    """The note went out: complete the step it stands for, unless already done (the daily
    review does it first), then keep the copy in the diary."""
    if referral_id is not None:
        if store.referral(referral_id).thanked_on is None:
            store.update_referral(referral_id, thanked_on=on)
    elif store.get(contact_id).stage is Stage.MET:
        store.set_stage(contact_id, Stage.THANKED, on)
    return record_sent(store, contact_id, text, channel, on)
