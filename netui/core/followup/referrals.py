"""Recording "who else should I talk to?": the referred person and the ladder of help.

Recording a referral creates the referred contact (or links the one existing contact with
exactly that name) in the same transaction as the referral, so one undo takes back both.
The queue then asks to thank the referrer the next day (see `rules.referral_thanks`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from netui.core.dates import format_date
from netui.core.db.store import Store, fold
from netui.core.errors import AmbiguousContact
from netui.core.model import Contact, Introduce, Referral, Stage, StageStep, clean_name


def existing_contact(store: Store, name_or_id: str) -> Contact | None:
    """The contact with this id or exactly this name (case/accent-blind); None if there is none.

    A partial name never links: "Bob" must not quietly become "Bob Smith".
    """
    ref = name_or_id.strip()
    if ref in store.contacts_by_id:
        return store.contacts_by_id[ref]
    key = fold(clean_name(ref))
    same = [c for c in store.contacts(include_archived=True) if fold(c.name) == key]
    if len(same) > 1:
        raise AmbiguousContact(ref, same)
    return same[0] if same else None


def record_referral(
    store: Store,
    referrer_id: str,
    name: str,
    *,
    on: date,
    company: str = "",
    introduce: Introduce = Introduce.NONE,
    call_ahead: bool | None = None,
    shared_details: bool = False,
    reach: str = "",
    may_use_name: bool | None = None,
    note: str = "",
) -> tuple[Referral, bool]:
    """Record that the referrer recommended `name`; returns the referral and whether the
    referred contact is new."""
    referrer = store.get(referrer_id)
    linked = existing_contact(store, name)
    referred = linked or Contact(
        name=name,
        company=company.strip(),
        reach=reach.strip(),
        referred_by=referrer.id,
        stage_history=[StageStep(Stage.MET, on)],
    )
    referral = Referral(
        referrer_id=referrer.id,
        referred_id=referred.id,
        on=on,
        introduce=Introduce(introduce),
        call_ahead=call_ahead,
        shared_details=shared_details,
        reach=reach.strip(),
        may_use_name=may_use_name,
        note=note.strip(),
    )
    if linked is not None:
        return store.add_referral(referral), False
    store.import_batch(
        contacts=[referred],
        referrals=[referral],
        description=f"{referrer.name} referred {referred.name}",
    )
    return store.referral(referral.id), True


def ladder(referral: Referral) -> list[str]:
    """The help asked for and given, as short phrases."""
    parts = []
    if referral.introduce is not Introduce.NONE:
        parts.append(f"introduction {referral.introduce.value}")
    if referral.call_ahead is not None:
        parts.append("will call ahead" if referral.call_ahead else "won't call ahead")
    if referral.shared_details:
        parts.append("gave contact details")
    if referral.may_use_name is not None:
        parts.append("you may use their name" if referral.may_use_name else "don't use their name")
    if referral.reach:
        parts.append(f"reach: {referral.reach}")
    return parts


def describe(referral: Referral, contacts: Mapping[str, Contact], about: str) -> str:
    """One line for a contact's card; `about` is the contact whose card it is."""
    referrer = contacts.get(referral.referrer_id)
    referred = contacts.get(referral.referred_id)
    if about == referral.referred_id:
        head = f"referred by {referrer.name if referrer else 'a deleted contact'}"
    else:
        head = f"referred {referred.name if referred else 'a deleted contact'}"
    head += f" on {format_date(referral.on)}"
    thanked = (
        f"thanked {format_date(referral.thanked_on)}" if referral.thanked_on else "not thanked yet"
    )
    tail = [*ladder(referral), thanked] if about != referral.referred_id else ladder(referral)
    return "; ".join([head, *tail])
