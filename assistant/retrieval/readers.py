"""Readers for research files: each returns documents (text + metadata) or raises ReadError.

A ReadError's message is the one-line reason shown to the user for a file that cannot be used.
"""

from __future__ import annotations

import csv
import io
import re
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


def read_text(path: Path) -> list[Document]:
    return [Document(decode(path.read_bytes()))]


def read_html(path: Path) -> list[Document]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(decode(path.read_bytes()), "html.parser")
    for tag in soup(["script", "style", "noscript", "template"]):
        tag.decompose()
    title = soup.title.get_text(strip=True) if soup.title else ""
    text = re.sub(r"\n\s*\n+", "\n\n", soup.get_text("\n"))
    return [Document(text, {"title": title})]


def read_pdf(path: Path) -> list[Document]:
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
        pages = [page.extract_text() or "" for page in reader.pages]
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


def read_docx(path: Path) -> list[Document]:
    import zipfile

    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError, PackageNotFoundError) as exc:
        raise ReadError("not a valid DOCX file") from exc
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    return [Document("\n".join(parts))]


def read_csv(path: Path, text_column: str | None = None) -> list[Document]:
    """One document per row; the text column given or detected, other columns as metadata."""
    text = decode(path.read_bytes())
    try:
        dialect: Any = csv.Sniffer().sniff(text[:8192], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    columns = [c for c in (reader.fieldnames or []) if c]
    if not columns:
        raise ReadError("CSV has no header row")
    rows = list(reader)
    column = pick_text_column(columns, rows, text_column)
    docs = []
    for number, row in enumerate(rows, 1):
        body = (row.get(column) or "").strip()
        if not body:
            continue
        meta: dict[str, Any] = {"row": number}
        for key, value in row.items():
            if key and key != column and value is not None and str(value).strip():
                meta[_meta_key(key)] = _typed(str(value).strip())
        docs.append(Document(body, meta))
    return docs


def pick_text_column(columns: list[str], rows: list[dict[str, Any]], given: str | None) -> str:
    """The column holding the free text: the one given, a well-known name, or the wordiest."""
    if given:
        for column in columns:
            if column.casefold() == given.casefold():
                return column
        raise ReadError(f"no column '{given}' (columns: {', '.join(columns)})")
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
            f"no text column found (columns: {', '.join(columns)}); name one with --text-column"
        )
    return best


def _meta_key(column: str) -> str:
    key = re.sub(r"\W+", "_", column.strip().casefold()).strip("_") or "column"
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


def read_document(path: Path, text_column: str | None = None) -> list[Document]:
    """Documents of one file, by extension; ReadError with a reason when it cannot be read."""
    suffix = path.suffix.lower()
    if suffix in (".md", ".markdown", ".txt"):
        return read_text(path)
    if suffix in (".html", ".htm"):
        return read_html(path)
    if suffix == ".pdf":
        return read_pdf(path)
    if suffix == ".docx":
        return read_docx(path)
    if suffix == ".csv":
        return read_csv(path, text_column)
    raise ReadError(
        f"unsupported file type '{suffix or path.name}' (use md, txt, pdf, docx, html or csv)"
    )
