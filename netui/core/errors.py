"""Every error a user can cause, in one family: callers catch `NetuiError` and show its message.

The CLI prints it as one line and exits non-zero; the TUI shows it as a notice. Nothing else needs
to list the classes again, which is what used to tie the TUI's screens together in import cycles.
The builtin second bases (ValueError, LookupError...) stay so older `except` clauses still match.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Sequence


class NetuiError(Exception):
    """A failure the user can act on; the message is complete and fits on one line."""


class ValidationError(NetuiError, ValueError):
    """User-supplied data that cannot be stored; the message is shown as is."""


class ConfigError(NetuiError, ValueError):
    """The config file cannot be used; the message names it."""


class TemplateError(ConfigError):
    """The thank-you template cannot be filled in; the message says why and how to fix it."""


class StorageError(NetuiError):
    """The database cannot be read or written; the message says which file and why."""


class NotADatabase(StorageError):
    """A non-empty folder that is not a netui database: netui writes nothing there uninvited."""


class ContactNotFound(NetuiError, LookupError):
    """No contact matches what the user typed."""


class AmbiguousContact(NetuiError, LookupError):
    """Several contacts match; `matches` lists them so the user can pick by id."""

    def __init__(self, ref: str, matches: Sequence[Any]) -> None:
        self.matches = list(matches)
        listed = "; ".join(_told_apart(c) for c in self.matches[:10])
        more = f" and {len(self.matches) - 10} more" if len(self.matches) > 10 else ""
        super().__init__(
            f"{ref!r} matches {len(self.matches)} contacts: {listed}{more}"
            " (name one by the id shown)"
        )


def _told_apart(contact: Any) -> str:
    """A match as the user can tell it from its namesakes: eleven Olivia Walshes differ by
    company, not by name (the id is what the user then types). One line whatever they hold."""
    name, company = (
        " ".join(str(t).split()) for t in (contact.name, getattr(contact, "company", ""))
    )
    return f"{name} ({contact.id[:8]}, {company})" if company else f"{name} ({contact.id[:8]})"


class UndoError(NetuiError, RuntimeError):
    """Nothing to undo, or the records changed since (another process edited them)."""


class QueryError(NetuiError, ValueError):
    """A query that cannot be read; the message is one line, fit for a search bar."""


class CacheError(NetuiError):
    """A cache file that cannot be used as it is; the search rebuilds it, never shows it."""


class UnreadableFile(ValidationError):
    """The file cannot be read at all (missing, binary, unknown format); nothing was written."""


class UnwritableFile(ValidationError):
    """The export could not be written; the target is left as it was."""


class FileExists(UnwritableFile):
    """The export's target is a file already there: replaced only when asked (`--force`)."""


class BadRecords(ValidationError):
    """One or more records are wrong; each message starts with its line or card number."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(problems[0] + more)


class StalePlan(ValidationError):
    """The database changed between planning and applying; plan again."""
