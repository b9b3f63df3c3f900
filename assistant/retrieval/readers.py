"""Readers for research files: each returns documents (text + metadata) or raises ReadError.

A ReadError's message is the one-line reason shown to the user for a file that cannot be used.
Every reader does bounded work (`Limits`): a .docx is a zip whose members' uncompressed sizes
are checked before it is opened, extracted text is capped, a CSV keeps at most a few columns as
metadata, and a time budget is checked as the work goes.
"""

from __future__ import annotations

import csv
import io
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SUPPORTED = (".md", ".markdown", ".txt", ".pdf", ".docx", ".html", ".htm", ".csv")
TEXT_COLUMN_NAMES = (
    "text",
    "review",
    "review_text",
    "comment",
    "comments",
    "body",
    "content",
    "feedback",
    "answer",
    "response",
    "message",
    "opinion",
    "description",
    "notes",
    "note",
    "recensione",
    "commento",
    "testo",
    "opinia",
    "komentarz",
    "tresc",
    "odpowiedz",
)
RESERVED = {"file", "path", "page", "row", "doc", "map", "chunk"}


class ReadError(Exception):
    """A file that cannot be ingested; str() is the one-line reason."""


@dataclass(frozen=True)
class Limits:
    """How much work one research file may cost (see the README, "Limits")."""

    text_chars: int = 1_000_000
    """Characters of text extracted from one file (~400 pages of prose)."""
    chunks: int = 2_000
    """Chunks (search passages) stored for one file: one per CSV row, ~700 characters each."""
    csv_columns: int = 1_000
    """Columns of a CSV; a wider one is refused."""
    metadata_columns: int = 20
    """CSV columns besides the text that are kept as metadata (the first ones)."""
    metadata_chars: int = 200
    """Characters of one metadata value."""
    zip_member_mb: float = 25.0
    """Uncompressed size of one part of a .docx (the document's XML)."""
    zip_total_mb: float = 200.0
    """Uncompressed size of a whole .docx, images included."""
    pdf_pages: int = 2_000
    """Pages of a PDF."""
    seconds: float = 120.0
    """Time to read, chunk and store one file."""


class Budget:
    """The time budget of one file: `check()` raises ReadError once it is spent."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.deadline = time.monotonic() + limits.seconds

    def check(self) -> None:
        if time.monotonic() > self.deadline:
            raise ReadError(
                f"took longer than the {self.limits.seconds:g} s limit for one file; "
                "split it into smaller files"
            )

    def text(self, chars: int) -> None:
        """Refuse once the text extracted so far is over the limit."""
        if chars > self.limits.text_chars:
            raise ReadError(
                f"more than {self.limits.text_chars:,} characters of text; "
                "split it into smaller files"
            )
        self.check()


@dataclass
class Document:
    """One research document before chunking: a file, a PDF page or a CSV row."""

    text: str
    metadata: dict[str, Any] = field(default_factory=dict)


def decode(data: bytes) -> str:
    """Bytes to text: UTF-8 first, then charset-normalizer's best guess; ReadError otherwise."""
    if b"\x00" in data[:8192]:
        raise ReadError("binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise ReadError("unknown text encoding (save it as UTF-8)")
    text = str(best)
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > len(text) * 0.01:
        raise ReadError("binary file, not text")
    return text


def read_text(path: Path, budget: Budget) -> list[Document]:
    text = decode(path.read_bytes())
    budget.text(len(text))
    return [Document(text)]


def read_html(path: Path, budget: Budget) -> list[Document]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(decode(path.read_bytes()), "html.parser")
    budget.check()
    for tag in soup(["script", "style", "noscript", "template"]):
        tag.decompose()
    title = soup.title.get_text(strip=True) if soup.title else ""
    text = re.sub(r"\n\s*\n+", "\n\n", soup.get_text("\n"))
    budget.text(len(text))
    return [Document(text, {"title": title[: budget.limits.metadata_chars]})]


def read_pdf(path: Path, budget: Budget) -> list[Document]:
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    # pypdf logs its repair attempts on damaged files; our one-line reason says enough.
    logging.getLogger("pypdf").setLevel(logging.ERROR)

    try:
        reader = PdfReader(path)
        # Owner-password-only PDFs open with an empty user password; real locks do not.
        if reader.is_encrypted and not reader.decrypt(""):
            raise ReadError("encrypted PDF (password protected)")
        if len(reader.pages) > budget.limits.pdf_pages:
            raise ReadError(
                f"{len(reader.pages):,} pages, over the {budget.limits.pdf_pages:,}-page limit"
            )
        pages: list[str] = []
        for page in reader.pages:
            pages.append(page.extract_text() or "")
            budget.text(sum(map(len, pages)))
    except ReadError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise ReadError(f"broken PDF ({_one_line(exc)})") from exc
    except Exception as exc:  # pypdf raises assorted errors on damaged files
        if "crypt" in str(exc).lower():
            raise ReadError("encrypted PDF (cannot be decrypted)") from exc
        raise ReadError(f"broken PDF ({_one_line(exc)})") from exc
    docs = [Document(text, {"page": n}) for n, text in enumerate(pages, 1) if text.strip()]
    if not docs:
        raise ReadError("PDF has no extractable text (scanned images?)")
    return docs


def check_zip(path: Path, limits: Limits) -> None:
    """Refuse a zip (a .docx) whose parts would unpack past the limits, before opening it.

    The sizes come from the zip's central directory; a member that lies about its size is
    still cut off by zipfile, which stops reading at the declared size and checks the CRC."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ReadError("not a valid DOCX file") from exc
    mb = 1024 * 1024
    biggest = max(members, key=lambda m: m.file_size, default=None)
    if biggest is not None and biggest.file_size > limits.zip_member_mb * mb:
        raise ReadError(
            f"unpacks to {biggest.file_size / mb:,.0f} MB ({biggest.filename}), over the "
            f"{limits.zip_member_mb:g} MB limit for one part"
        )
    total = sum(m.file_size for m in members)
    if total > limits.zip_total_mb * mb:
        raise ReadError(
            f"unpacks to {total / mb:,.0f} MB, over the {limits.zip_total_mb:g} MB limit"
        )


def read_docx(path: Path, budget: Budget) -> list[Document]:
    import zipfile

    import docx
    from docx.opc.exceptions import PackageNotFoundError

    check_zip(path, budget.limits)
    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError, PackageNotFoundError) as exc:
        raise ReadError("not a valid DOCX file") from exc
    budget.check()
    parts: list[str] = []
    chars = 0
    for paragraph in document.paragraphs:
        parts.append(paragraph.text)
        chars += len(parts[-1]) + 1
        budget.text(chars)
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
            chars += len(parts[-1]) + 1
            budget.text(chars)
    return [Document("\n".join(parts))]


def read_csv(
    path: Path, text_column: str | None = None, budget: Budget | None = None
) -> list[Document]:
    """One document per row; the text column given or detected, the first few other columns
    (`Limits.metadata_columns`) as metadata: Chroma keeps every metadata key it ever saw."""
    budget = budget or Budget(Limits())
    limits = budget.limits
    text = decode(path.read_bytes())
    budget.text(len(text))
    try:
        dialect: Any = csv.Sniffer().sniff(text[:8192], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    try:
        header = reader.fieldnames or []
    except csv.Error as exc:
        raise ReadError(f"broken CSV ({_one_line(exc)})") from exc
    if len(header) > limits.csv_columns:
        raise ReadError(
            f"{len(header):,} columns, over the {limits.csv_columns:,}-column limit; "
            "keep the text column and a few others"
        )
    columns = [c for c in header if c]
    if not columns:
        raise ReadError("CSV has no header row")
    try:
        rows = []
        for row in reader:
            rows.append(row)
            if len(rows) > limits.chunks:
                raise ReadError(
                    f"more than {limits.chunks:,} rows, over the limit for one file; "
                    "split it into smaller files"
                )
            if len(rows) % 500 == 0:
                budget.check()
    except csv.Error as exc:
        raise ReadError(f"broken CSV ({_one_line(exc)})") from exc
    column = pick_text_column(columns, rows, text_column)
    kept = [c for c in columns if c != column][: limits.metadata_columns]
    docs = []
    for number, row in enumerate(rows, 1):
        body = (row.get(column) or "").strip()
        if not body:
            continue
        meta: dict[str, Any] = {"row": number}
        for key in kept:
            value = row.get(key)
            if value is not None and str(value).strip():
                meta[_meta_key(key)] = _typed(str(value).strip()[: limits.metadata_chars])
        docs.append(Document(body, meta))
    return docs


def pick_text_column(columns: list[str], rows: list[dict[str, Any]], given: str | None) -> str:
    """The column holding the free text: the one given, a well-known name, or the wordiest."""
    if given:
        for column in columns:
            if column.casefold() == given.casefold():
                return column
        raise ReadError(f"no column '{given}' (columns: {_column_list(columns)})")
    for name in TEXT_COLUMN_NAMES:
        for column in columns:
            if _meta_key(column) == name:
                return column

    def wordiness(column: str) -> float:
        values = [str(r.get(column) or "") for r in rows[:200]]
        texty = [v for v in values if v and _typed(v) == v]  # numbers are not review text
        return sum(len(v.split()) for v in texty) / max(1, len(values))

    best = max(columns, key=wordiness)
    if wordiness(best) < 2:
        raise ReadError(
            f"no text column found (columns: {_column_list(columns)}); name one with --text-column"
        )
    return best


def _column_list(columns: list[str]) -> str:
    shown = ", ".join(c[:40] for c in columns[:12])
    return shown + (f" and {len(columns) - 12:,} more" if len(columns) > 12 else "")


def _meta_key(column: str) -> str:
    key = re.sub(r"\W+", "_", column.strip().casefold()).strip("_")[:40] or "column"
    return f"col_{key}" if key in RESERVED else key


def _typed(value: str) -> str | int | float:
    for cast in (int, float):
        try:
            return cast(value.replace(",", ".") if cast is float else value)
        except ValueError:
            continue
    return value


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:160] or type(exc).__name__


def read_document(
    path: Path, text_column: str | None = None, budget: Budget | None = None
) -> list[Document]:
    """Documents of one file, by extension; ReadError with a reason when it cannot be read
    or would cost more than the budget's limits."""
    budget = budget or Budget(Limits())
    suffix = path.suffix.lower()
    if suffix in (".md", ".markdown", ".txt"):
        return read_text(path, budget)
    if suffix in (".html", ".htm"):
        return read_html(path, budget)
    if suffix == ".pdf":
        return read_pdf(path, budget)
    if suffix == ".docx":
        return read_docx(path, budget)
    if suffix == ".csv":
        return read_csv(path, text_column, budget)
    raise ReadError(
        f"unsupported file type '{suffix or path.name}' (use md, txt, pdf, docx, html or csv)"
    )
