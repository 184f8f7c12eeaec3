"""One email as netui files it: who, when, the subject, and the readable text of the body.

Headers are read first and on their own (`read_headers`): deciding that a message is
older than `--since`, already filed, or involves no contact needs nothing else, and
those are most messages of a real mailbox. The body is parsed only for the messages
that are filed (`read_body`). Both use the stdlib `email` package with `policy.default`.

Real mail is damaged in known ways, each repaired here with a note for the report:
raw 8-bit bytes in headers (read as UTF-8, else Windows-1252, instead of the parser's
U+FFFD), an unknown charset (the bytes read as UTF-8, else Windows-1252), a missing or
unreadable Date (the mbox `From ` line or the file's time), a truncated multipart.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from email import policy
from email.errors import HeaderParseError
from email.header import decode_header, make_header
from email.message import Message
from email.parser import BytesParser
from email.policy import compat32
from email.utils import getaddresses, parsedate_to_datetime

from bs4 import BeautifulSoup

from netui.core.io.mail_sources import from_line_time

_FOLD = re.compile(r"\n[ \t]+")
_ONE_ADDRESS = re.compile(
    r'\s*(?:"?([^"<>,;@\\]*?)"?\s*)?<([^<>@\s,;"]+@[^<>@\s,;"]+)>\s*'
    r'|\s*([^<>@\s,;"()]+@[^<>@\s,;"()]+)\s*'
)
_BODY = BytesParser(policy=compat32)
_BARE_ADDRESS = re.compile(r"[^\s<>,;:\"'()\[\]]+@[^\s<>,;:\"'()\[\]]+")
_BLANK_LINE = re.compile(rb"\r?\n\r?\n")
_ATTRIBUTION = re.compile(
    r"^(On\b.{0,200}\bwrote:|Le\b.{0,200}\ba écrit\s?:|Am\b.{0,200}schrieb\b.*:)$"
)
_FORWARD_OR_ORIGINAL = re.compile(
    r"^\s*(-{2,}\s*(Original Message|Forwarded message|Ursprüngliche Nachricht)\s*-{2,}"
    r"|_{20,})\s*$",
    re.IGNORECASE,
)
_OUTLOOK_HEADER = re.compile(r"^\s*\*?From:\*?\s.+", re.IGNORECASE)
_BLOCKS = ("p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "blockquote")


@dataclass(slots=True)
class Headers:
    """What the headers say, enough to decide whether the message is filed."""

    where: str
    sender: list[tuple[str, str]]  # (display name, lower-cased address)
    recipients: list[tuple[str, str]]  # To and Cc
    subject: str
    when: datetime | None
    message_id: str | None
    notes: list[str] = field(default_factory=list)  # repairs made, for the report

    @property
    def key(self) -> str:
        """The message's identity across runs and folders: its Message-ID, else a hash."""
        if self.message_id:
            return self.message_id
        sender = ",".join(address for _, address in self.sender)
        stamp = self.when.isoformat() if self.when else ""
        digest = hashlib.sha1(f"{stamp}\n{sender}\n{self.subject}".encode()).hexdigest()
        return f"sha1:{digest}"

    @property
    def day(self) -> date | None:
        """The local calendar day it was sent."""
        if self.when is None:
            return None
        return (self.when.astimezone() if self.when.tzinfo else self.when).date()


@dataclass(slots=True)
class Body:
    text: str  # readable plain text, quoted replies trimmed
    attachments: list[str]  # "report.pdf (2.1 MB)"
    notes: list[str]


def split(raw: bytes) -> tuple[bytes, bytes]:
    """(header block, rest) of a message, without the mbox `From ` line."""
    found = _BLANK_LINE.search(raw)
    if found is None:
        return raw, b""
    return raw[: found.start()], raw[found.end() :]


def decode_8bit(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", "replace")


def read_headers(raw: bytes, where: str, fallback: datetime | None = None) -> Headers:
    """The headers of a message; raises ValueError when it has none worth the name."""
    notes: list[str] = []
    from_line = None
    if raw.startswith(b"From "):
        from_line, _, raw = raw.partition(b"\n")
    head, _ = split(raw)
    if not head.isascii():
        notes.append("raw 8-bit bytes in a header, read as UTF-8 or Windows-1252")
    message = Fields(decode_8bit(head))
    if not any(message.get(name) for name in ("From", "To", "Cc", "Subject", "Date")):
        raise ValueError("no From, To, Subject or Date header: not a mail message")
    when = _date(message, notes)
    if when is None:
        when = (from_line_time(from_line) if from_line else None) or fallback
        if when is not None:
            notes.append("no usable Date header; dated by its delivery time")
    message_id = _text(message, "Message-ID") or None
    return Headers(
        where=where,
        sender=_addresses(message, ("From",)),
        recipients=_addresses(message, ("To", "Cc")),
        subject=" ".join(decode_words(_text(message, "Subject")).split()),
        when=when,
        message_id=message_id.lower() if message_id else None,
        notes=notes,
    )


class Fields:
    """A header block split into fields by hand: name (lower-cased) -> raw values.

    Splitting is all RFC 5322 asks (a field is `Name: value`, continued on lines that start
    with white space); the decoding of values is the stdlib's. The `email` parser did the
    same at 0.2 ms a message: a second run over 10,000 messages spent half its time there."""

    def __init__(self, text: str) -> None:
        self.values: dict[str, list[str]] = {}
        for line in _FOLD.sub(" ", text.replace("\r\n", "\n")).split("\n"):
            name, colon, value = line.partition(":")
            if colon and name and not name[0].isspace():
                self.values.setdefault(name.strip().lower(), []).append(value.strip())

    def get(self, name: str) -> str | None:
        values = self.values.get(name.lower())
        return values[0] if values else None

    def get_all(self, name: str) -> list[str]:
        return self.values.get(name.lower(), [])


def _text(message: Fields, name: str) -> str:
    """A header's raw value, unfolded."""
    return " ".join(str(message.get(name) or "").split())


def decode_words(raw: str) -> str:
    """RFC 2047 encoded words (`=?utf-8?q?Caf=C3=A9?=`) as text; a broken one stays as is."""
    if "=?" not in raw:
        return raw
    try:
        return str(make_header(decode_header(raw)))
    except (HeaderParseError, LookupError, UnicodeDecodeError, ValueError):
        return raw


def _date(message: Fields, notes: list[str]) -> datetime | None:
    raw = message.get("Date")
    if raw is None:
        return None
    try:
        when = parsedate_to_datetime(str(raw))
    except (ValueError, TypeError, IndexError, OverflowError):
        when = None
    if when is None:
        notes.append(f"unreadable Date {str(raw)[:40]!r}")
    return when


def _addresses(message: Fields, names: tuple[str, ...]) -> list[tuple[str, str]]:
    """(name, address) pairs of these headers, addresses lower-cased."""
    found = []
    for name in names:
        for raw in message.get_all(name) or []:
            found += [
                (" ".join(decode_words(display).split()), address.strip().lower())
                for display, address in _pairs(name, str(raw))
                if "@" in address
            ]
    return found


def _pairs(name: str, raw: str) -> list[tuple[str, str]]:
    """`email.utils.getaddresses` (fast); where its answer does not add up, the strict
    `policy.default` parser; as a last resort every `x@y` in the header is an address
    (`Ann [b] <a@x.org>` happens)."""
    one = _ONE_ADDRESS.fullmatch(raw)
    if one:  # `Name <a@b>` or `a@b`, nine headers in ten: no parser needed
        return [(one.group(1) or "", one.group(2) or one.group(3))]
    pairs = getaddresses([raw])
    if all("@" in address for _, address in pairs) and 0 < len(pairs) <= raw.count("@"):
        return pairs
    try:
        header = policy.default.header_factory(name, raw)
        pairs = [(a.display_name, a.addr_spec) for a in header.addresses]
    except (ValueError, TypeError, IndexError, AttributeError):
        pairs = []
    if pairs and all("@" in address for _, address in pairs):
        return pairs
    bare = _BARE_ADDRESS.findall(raw)
    if len(bare) == 1 and "<" in raw:
        return [(raw[: raw.find("<")].strip(' "'), bare[0])]
    return [("", address) for address in bare]


def read_body(raw: bytes) -> Body:
    """The readable text (text/plain preferred, else the HTML as text) and attachment names.

    The first text/plain part that is not an attachment, else the first text/html one,
    which is what `EmailMessage.get_body` picks for mail as it is sent; walked by hand on
    the compat32 model because `policy.default` re-parses Content-Type at each look
    (~4 ms a message measured; filing 10,000 messages spent most of its time there)."""
    if raw.startswith(b"From "):
        raw = raw.partition(b"\n")[2]
    message = _BODY.parsebytes(raw)
    notes = [f"repaired: {type(d).__name__}" for d in message.defects][:3]
    plain = html = None
    attachments = []
    for part in message.walk():
        if part.is_multipart():
            continue
        name = _filename(part)
        kind = part.get_content_type()
        if name:
            attachments.append(f"{name} ({_size(part)})")
        elif kind == "text/plain" and plain is None:
            plain = part
        elif kind == "text/html" and html is None:
            html = part
    text = ""
    if plain is not None:
        text = trim_quotes(_part_text(plain, notes))
    elif html is not None:
        text = trim_quotes(html_to_text(_part_text(html, notes)))
    return Body(text, attachments, notes)


def _filename(part: Message) -> str:
    try:
        name = part.get_filename() or ""
    except (ValueError, TypeError, IndexError, AttributeError):
        return "(unnamed attachment)"
    if not name and part.get_content_disposition() == "attachment":
        return "(unnamed attachment)"
    return " ".join(str(name).split())


def _size(part: Message) -> str:
    """An attachment's size, estimated from its encoded form: it is never decoded."""
    payload = part.get_payload()
    if not isinstance(payload, str):
        return "?"
    encoded = len(payload) - payload.count("\n") - payload.count("\r")
    if str(part.get("Content-Transfer-Encoding", "")).strip().lower() == "base64":
        encoded = encoded * 3 // 4
    if encoded >= 1_000_000:
        return f"{encoded / 1_000_000:.1f} MB"
    return f"{max(1, round(encoded / 1000))} kB"


def _part_text(part: Message, notes: list[str]) -> str:
    """A text part decoded by its charset; an unknown or missing one as UTF-8, else cp1252."""
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return str(payload or "")
    charset = part.get_content_charset()
    if charset in (None, "us-ascii", "ascii"):
        return decode_8bit(payload)
    try:
        return payload.decode(charset, "replace")
    except LookupError:
        notes.append(f"unknown charset {charset[:40]!r}, read as UTF-8 or Windows-1252")
        return decode_8bit(payload)


def html_to_text(html: str) -> str:
    """Readable lines from HTML: block elements end lines; scripts and styles go."""
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "head", "title"]):
        tag.decompose()
    for tag in soup.find_all(_BLOCKS):
        tag.insert_after("\n")
    lines = (" ".join(line.split()) for line in soup.get_text().splitlines())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def trim_quotes(text: str) -> str:
    """The new part of a reply: quoted lines and their "On … wrote:" line go, and so does
    everything after an "Original Message" line or an Outlook "From: … Sent:" block."""
    lines = text.replace("\r\n", "\n").split("\n")
    kept: list[str] = []
    skip = 0
    for i, line in enumerate(lines):
        stripped = line.strip()
        if skip:
            skip -= 1
            continue
        if _FORWARD_OR_ORIGINAL.match(line) or _outlook_block(lines, i):
            break
        if stripped.startswith(">"):
            continue
        for width in (1, 2):  # the attribution, sometimes wrapped over two lines
            joined = " ".join(x.strip() for x in lines[i : i + width])
            if _ATTRIBUTION.match(joined) and _quoted_next(lines, i + width):
                skip = width - 1
                break
        else:
            kept.append(line.rstrip())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()


def _quoted_next(lines: list[str], start: int) -> bool:
    """True when the next line with text is quoted (or there is none)."""
    rest = [x.strip() for x in lines[start:] if x.strip()]
    return not rest or rest[0].startswith(">")


def _outlook_block(lines: list[str], i: int) -> bool:
    return bool(_OUTLOOK_HEADER.match(lines[i])) and any(
        x.strip().lower().lstrip("*").startswith(("sent:", "date:")) for x in lines[i + 1 : i + 3]
    )
