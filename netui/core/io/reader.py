"""From a path to records: recognise the format, read a file or a folder of vCards.

The format is taken from the content, not the file name, because exports are often
renamed (LinkedIn's CSV, a ".txt" vCard from an old phone). Only an explicit `--format`
overrides the sniffing.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

from netui.core.errors import BadRecords, UnreadableFile
from netui.core.io.archive import read_json
from netui.core.io.csv_contacts import guess_delimiter, map_columns, scan_csv
from netui.core.io.files import Decoded, read_decoded, vcard_files
from netui.core.io.linkedin import header_line, scan_linkedin
from netui.core.io.records import Bundle, strictly
from netui.core.io.vcard import count_cards, scan_vcards

IMPORT_FORMATS = ("vcard", "csv", "linkedin", "json")

Progress = Callable[[int, int], None]  # (records done, records expected)


def sniff_format(text: str) -> str | None:
    """The import format the text looks like, or None when it looks like none of them."""
    head = text[:65536].lstrip("\ufeff \t\r\n")
    if head[:11].upper() == "BEGIN:VCARD":
        return "vcard"
    if head.startswith("{"):
        return "json"
    if head.casefold().startswith("notes:"):
        return "linkedin"
    lines = head.split("\n")
    header = header_line(head)
    if header is not None and "connected on" in lines[header].casefold():
        return "linkedin"
    first = lines[0]
    row = next(csv.reader([first], delimiter=guess_delimiter(first)), [])
    if {"name", "first", "last", "email"} & map_columns(row).keys():
        return "csv"
    return None


def read_path(
    path: Path,
    fmt: str | None = None,
    progress: Progress | None = None,
    *,
    strict: bool = False,
    encoding: str | None = None,
) -> Bundle:
    """Every readable record at `path` (a file, or a folder of .vcf files).

    Bad records and properties are left out and reported in the bundle (`skipped`,
    `repaired`). Raises UnreadableFile when the file cannot be read or recognised,
    BadRecords when nothing in it is usable, or, with `strict`, when anything was left
    out or mended.
    """
    if path.is_dir():
        if fmt not in (None, "vcard"):
            raise UnreadableFile(f"{path} is a folder; only folders of .vcf files can be imported")
        bundle = _read_folder(path, progress, encoding)
    else:
        bundle = _read_file(path, fmt, progress, encoding)
    if strict:
        strictly(bundle)
    return bundle


def _read_file(
    path: Path, fmt: str | None, progress: Progress | None, encoding: str | None
) -> Bundle:
    decoded = read_decoded(path, encoding)
    text = decoded.text
    fmt = fmt or sniff_format(text)
    if fmt is None:
        raise UnreadableFile(
            f"cannot tell what format {path.name} is in; name it with --format "
            f"({', '.join(IMPORT_FORMATS)})"
        )
    if fmt == "vcard":
        total = count_cards(text)
        report = (lambda n: progress(n, total)) if progress else None
        bundle = scan_vcards(text, progress=report)
    elif fmt == "json":
        bundle = read_json(text)
    else:
        bundle = (scan_linkedin if fmt == "linkedin" else scan_csv)(text)
    bundle.format = fmt
    bundle.encoding = _encoding_note(decoded)
    bundle.repaired += _rejoined(decoded)
    return bundle


def _rejoined(decoded: Decoded, origin: str = "") -> list[tuple[str, str]]:
    prefix = f"{origin}: " if origin else ""
    why = "a UTF-8 character split by a folded line, rejoined"
    return [(f"{prefix}line {line}", why) for line in decoded.rejoined]


def _encoding_note(decoded: Decoded) -> str:
    """'' for UTF-8 and named encodings; "cp932 (detected)" when the encoding was a guess."""
    return f"{decoded.encoding} (detected)" if decoded.guessed else ""


def _read_folder(folder: Path, progress: Progress | None, encoding: str | None) -> Bundle:
    listing = vcard_files(folder)
    if not listing.files:
        raise UnreadableFile(f"{folder} holds no .vcf files")
    texts = [(path, read_decoded(path, encoding)) for path in listing.files]
    counts = [count_cards(decoded.text) for _, decoded in texts]
    bundle = Bundle(format="vcard")
    problems: list[str] = []
    guessed: list[str] = []
    done = 0
    for (path, decoded), count in zip(texts, counts, strict=True):
        report = (lambda n, done=done: progress(done + n, sum(counts))) if progress else None
        where = str(path.relative_to(folder.resolve()))
        try:
            bundle.merge(scan_vcards(decoded.text, where, report))
        except BadRecords as exc:
            problems += exc.problems
        bundle.repaired += _rejoined(decoded, where)
        if decoded.guessed:
            guessed.append(f"{where}: {decoded.encoding}")
        done += count
    if problems and not bundle.contacts:
        raise BadRecords(problems)
    bundle.skipped += [(problem, "file skipped") for problem in problems]
    bundle.encoding = f"{', '.join(guessed)} (detected)" if guessed else ""
    for link in listing.refused_links:
        where = str(link.relative_to(folder.resolve()))
        bundle.skipped.append((where, "a link leading outside the folder, not followed"))
    return bundle
