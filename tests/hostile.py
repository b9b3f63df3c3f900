"""Hostile research files, generated small on disk: what an upload may throw at the ingest.

Used by tests/test_hostile_files.py and by `make stress` (evals/stress.py), which measures the
time and memory of refusing them.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

_DOCX_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.document.main+xml"/></Types>'
)
_DOCX_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
SENTENCE = "The onboarding was slow and the invoice screen confused our whole team. "


def docx_with_text(path: Path, text_chars: int, paragraph_chars: int = 2000) -> Path:
    """A valid .docx holding about `text_chars` characters of text (tiny once zipped)."""
    paragraph = (SENTENCE * (paragraph_chars // len(SENTENCE) + 1))[:paragraph_chars]
    xml_p = f'<w:p><w:r><w:t xml:space="preserve">{paragraph}</w:t></w:r></w:p>'.encode()
    count = max(1, text_chars // paragraph_chars)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _DOCX_TYPES)
        archive.writestr("_rels/.rels", _DOCX_RELS)
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            part.write(f'<?xml version="1.0"?><w:document xmlns:w="{_W}"><w:body>'.encode())
            block = xml_p * 100
            for _ in range(count // 100):
                part.write(block)
            part.write(xml_p * (count % 100))
            part.write(b"</w:body></w:document>")
    return path


def wide_csv(path: Path, columns: int, rows: int = 3) -> Path:
    """A CSV with `columns` columns: a review text column and numbered ones."""
    header = ["review", *[f"c{n}" for n in range(columns - 1)]]
    lines = [",".join(header)]
    for row in range(rows):
        lines.append(
            ",".join([f"Row {row}: the setup wizard kept failing", *["1"] * (columns - 1)])
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def ansi_name(folder: Path) -> Path:
    """A small Markdown file whose name holds ANSI escape sequences and a bell."""
    path = folder / "notes\x1b[31mRED\x1b]0;pwned\x07\x1b[2J.md"
    path.write_text("Customers said the pricing page hid the annual discount.\n")
    return path
