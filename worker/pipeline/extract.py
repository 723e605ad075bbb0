"""Turn an uploaded file into resume text, and that text into a parsed profile.

Uploads are untrusted bytes from the internet. Their type is decided by what is inside them
(magic bytes and structure), never by the file name or the client's Content-Type, because both
are chosen by the sender and routinely wrong. Every way a file can be unusable maps to one
``DocumentError`` subclass with a stable code, so the API can answer with a precise 4xx and the
worker never crashes on a hostile upload. Work is bounded before it is done: sizes, page counts
and zip directories are checked before any page is read or any member is inflated.
"""

from __future__ import annotations

import ctypes
import io
import json
import re
import threading
import unicodedata
import zipfile
import zlib
from bisect import bisect_left
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from itertools import pairwise
from statistics import median
from typing import Any

import docx
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from docx.oxml.ns import qn
from pypdf import PasswordType, PdfReader

from worker.pipeline.errors import ResumesmithError
from worker.pipeline.parsing import is_section_heading, normalise_json_resume, parse_text
from worker.pipeline.types import ParsedResume

__all__ = [
    "DocumentError",
    "DocumentTooLarge",
    "EmptyDocument",
    "Extracted",
    "Limits",
    "NoTextLayer",
    "PdfEncrypted",
    "TextTooLong",
    "TooManyPages",
    "UnreadableDocument",
    "UnsupportedDocument",
    "clean_text",
    "detect_format",
    "extract_text",
    "parse_document",
]


@dataclass(frozen=True)
class Limits:
    """Upper bounds on what one upload may cost; no real resume comes near any of them."""

    max_bytes: int = 10 * 1024 * 1024
    max_pages: int = 30
    max_chars: int = 50_000
    """Characters of extracted text."""
    max_docx_uncompressed: int = 30 * 1024 * 1024
    max_zip_ratio: int = 100
    """Uncompressed / compressed size; beyond this a DOCX is treated as a zip bomb."""
    max_zip_entries: int = 2_000
    max_pdf_inflated: int = 8 * 1024 * 1024
    """Bytes a PDF's compressed page content may expand to (embedded fonts get 8 times this)."""


@dataclass(frozen=True)
class Extracted:
    """Text pulled out of an upload, before any resume parsing."""

    format: str
    """One of ``pdf``, ``docx``, ``json``, ``text``."""
    text: str
    pages: int
    """Pages in the source (PDF; DOCX when Word recorded it); 0 when the format has none."""


# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------


class DocumentError(ResumesmithError):
    """An upload that cannot be turned into a resume; the user must send a different file."""

    code = "unreadable_document"
    status = 422
    title = "Unreadable document"
    default_detail = "We could not read this document."

    def __init__(self, detail: str | None = None, *, code: str | None = None) -> None:
        super().__init__(detail or self.default_detail, code=code)


class UnsupportedDocument(DocumentError):
    code = "unsupported_media_type"
    status = 415
    title = "Unsupported document type"
    default_detail = (
        "This file type is not supported. Upload a PDF, a DOCX, a plain-text or Markdown file "
        "(UTF-8), or a JSON Resume file."
    )


class EmptyDocument(DocumentError):
    code = "empty_document"
    status = 422
    title = "Empty document"
    default_detail = "The uploaded file is empty."


class PdfEncrypted(DocumentError):
    code = "pdf_encrypted"
    status = 422
    title = "Encrypted PDF"
    default_detail = (
        "This PDF is protected with a password, so its text cannot be read. Remove the password "
        "(save or print it to a new PDF) and upload it again."
    )


class NoTextLayer(DocumentError):
    code = "no_text_layer"
    status = 422
    title = "PDF has no text"
    default_detail = (
        "This PDF contains no selectable text; it looks like a scanned or image-only document. "
        "Scanned and image-only PDFs are not supported because resumesmith does no OCR (text "
        "recognition). Export the PDF again with its text (for example 'Save as PDF' from Word "
        "or Google Docs), or upload the resume as DOCX or plain text."
    )


class UnreadableDocument(DocumentError):
    code = "unreadable_document"
    status = 422
    title = "Unreadable document"
    default_detail = "The file is damaged or incomplete and could not be read."


class DocumentTooLarge(DocumentError):
    code = "payload_too_large"
    status = 413
    title = "Document too large"
    default_detail = "The document is too large."


class TooManyPages(DocumentError):
    code = "too_many_pages"
    status = 422
    title = "Too many pages"
    default_detail = "The document has too many pages for a resume."


class TextTooLong(DocumentError):
    code = "text_too_long"
    status = 422
    title = "Text too long"
    default_detail = "The resume text is too long."


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------


def detect_format(data: bytes) -> str:
    """Name the upload's format from its content: ``pdf``, ``docx``, ``json`` or ``text``.

    Raises ``EmptyDocument`` for empty or blank files and ``UnsupportedDocument`` for anything
    else (images, legacy Office files, RTF, other archives, binary data), with a detail that
    tells the user what to send instead.
    """
    with _only_document_errors():
        return _sniff(bytes(data))[0]


def extract_text(data: bytes, *, limits: Limits = Limits()) -> Extracted:
    """Pull the readable text out of an upload, refusing anything over ``limits``.

    JSON Resume files are returned verbatim (after checking they hold a JSON object), because
    they are parsed as data rather than read as prose.
    """
    with _only_document_errors():
        return _extract(bytes(data), limits)


def parse_document(data: bytes, *, limits: Limits = Limits()) -> ParsedResume:
    """Read an upload of any supported format into a JSON Resume profile.

    Only ``DocumentError`` subclasses escape: third-party libraries raise a zoo of exceptions on
    damaged files, and a caller (API, worker, CLI) must be able to turn every failure into a
    clear message without knowing which library choked.
    """
    with _only_document_errors():
        extracted = _extract(bytes(data), limits)
        if extracted.format != "json":
            return replace(parse_text(extracted.text), source_format=extracted.format)
        try:
            parsed = normalise_json_resume(_json_object(extracted.text))
        except ValueError as exc:  # the normaliser explains what is wrong in plain words
            raise UnreadableDocument(f"The JSON file is not a JSON Resume: {exc}.") from exc
        return replace(parsed, source_format="json_resume")


@contextmanager
def _only_document_errors() -> Iterator[None]:
    try:
        yield
    except ResumesmithError:
        raise
    except Exception as exc:  # includes RecursionError and MemoryError from hostile files
        raise UnreadableDocument() from exc


def _extract(data: bytes, limits: Limits) -> Extracted:
    if len(data) > limits.max_bytes:
        raise DocumentTooLarge(
            f"The file is {_megabytes(len(data))}; the limit is {_megabytes(limits.max_bytes)}."
        )
    kind, decoded = _sniff(data, limits)
    pages = 0
    if kind == "pdf":
        text, pages = _pdf_text(data, limits)
    elif kind == "docx":
        text, pages = _docx_text(data, limits)
    else:
        text = decoded or ""
        if len(text) > limits.max_chars:
            raise _too_long(limits)
        if kind == "json":
            _json_object(text)
        else:
            text = clean_text(text)
    if len(text) > limits.max_chars:
        raise _too_long(limits)
    if not text.strip():
        raise EmptyDocument("The document contains no text.")
    return Extracted(format=kind, text=text, pages=pages)


# --------------------------------------------------------------------------------------------
# Text clean-up shared by every format
# --------------------------------------------------------------------------------------------

_CLEAN: dict[int, str | None] = {code: None for code in (*range(0x20), 0x7F, *range(0x80, 0xA0))}
_CLEAN.update(
    {
        0x09: "\t",
        0x0A: "\n",
        0x0B: "\n",
        0x0C: "\n",
        0x85: "\n",
        0x2028: "\n",
        0x2029: "\n",
        0xAD: None,  # soft hyphen: only a hint where a word may break
        0xFFFD: None,
        0xFEFF: None,
        0x200B: None,
        0x200C: None,
        0x200D: None,
        0x2060: None,
        0xFB00: "ff",
        0xFB01: "fi",
        0xFB02: "fl",
        0xFB03: "ffi",
        0xFB04: "ffl",
        0xFB05: "st",
        0xFB06: "st",
    }
)
_CLEAN.update(
    {code: " " for code in (0xA0, 0x1680, *range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000)}
)
_TRAILING_SPACE = re.compile(r"[ \t]+$", re.MULTILINE)
_BLANK_RUNS = re.compile(r"\n{3,}")


def clean_text(text: str) -> str:
    """Normalise what extraction leaves behind so the parser sees one consistent alphabet.

    PDF and Word text carries typesetting artefacts (ligature glyphs, no-break and thin spaces,
    soft hyphens, control characters from broken fonts) that would otherwise split words and
    defeat the parser's matching.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", text.translate(_CLEAN))
    text = _TRAILING_SPACE.sub("", text)
    return _BLANK_RUNS.sub("\n\n", text).strip("\n")


def _too_long(limits: Limits) -> TextTooLong:
    return TextTooLong(
        f"The resume text is longer than the limit of {limits.max_chars:,} characters. Upload "
        "the resume itself rather than a longer document, or shorten it."
    )


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


# --------------------------------------------------------------------------------------------
# Format detection
# --------------------------------------------------------------------------------------------

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_BINARY_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"\x00\x00\x01\x00", "an icon image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\xfd7zXZ\x00", "an xz archive"),
    (b"\x7fELF", "a program"),
    (b"%!PS", "a PostScript file"),
)
_IMAGE_HINT = (
    " Scanned resumes and photos are not supported because resumesmith does no OCR; upload a PDF "
    "with selectable text, a DOCX, or plain text."
)
_EXPORT_HINT = " Save it as PDF or DOCX and upload that instead."
_TEXT_CONTROL = frozenset("\t\n\r\f\v")


def _unsupported(what: str, hint: str = _EXPORT_HINT) -> UnsupportedDocument:
    return UnsupportedDocument(
        f"This looks like {what}, which is not supported. resumesmith reads PDF, DOCX, plain "
        f"text or Markdown (UTF-8) and JSON Resume files.{hint}"
    )


def _sniff(data: bytes, limits: Limits | None = None) -> tuple[str, str | None]:
    """Detect the format; for text formats also return the decoded text, to decode only once."""
    if not data or not data.strip(b" \t\r\n\f\v"):
        raise EmptyDocument()
    head = data[:1024]
    at = head.find(b"%PDF-")
    if at == 0 or (at > 0 and (not head[:at].strip() or b"\x00" in head[:at])):
        return "pdf", None
    if data.startswith(b"PK\x03\x04"):
        _check_docx_zip(data, limits or Limits())
        return "docx", None
    if data.startswith((b"PK\x05\x06", b"PK\x07\x08")):
        raise _unsupported("a ZIP archive")
    if data.startswith(_OLE):
        raise _unsupported(
            "a legacy Microsoft Office file (such as a .doc from Word 97-2003) or a "
            "password-protected Office document",
            " Remove any password, save it as DOCX or PDF, and upload that instead.",
        )
    if data.startswith(b"{\\rtf"):
        raise _unsupported("an RTF document")
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        raise _unsupported("a WebP image", _IMAGE_HINT)
    if data[:2] == b"BM" and data[6:10] == b"\x00\x00\x00\x00":
        raise _unsupported("a BMP image", _IMAGE_HINT)
    if data[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftypavif"):
        raise _unsupported("a HEIC or AVIF image", _IMAGE_HINT)
    for magic, what in _BINARY_MAGIC:
        if data.startswith(magic):
            raise _unsupported(what, _IMAGE_HINT if "image" in what else _EXPORT_HINT)

    text = _decode_text(data)
    stripped = text.lstrip()
    if not stripped.strip(" \t\r\n\f\v\u00a0\u200b"):
        raise EmptyDocument()
    lowered = stripped[:200].lower()
    if lowered.startswith(("<!doctype html", "<html", "<?xml", "<w:document", "<svg")):
        raise _unsupported("an HTML or XML file")
    if stripped.startswith("{"):
        return "json", text
    if stripped.startswith("["):
        try:
            json.loads(text)
        except (ValueError, RecursionError):
            return "text", text  # a Markdown link such as "[Jo Example](https://jo.dev)"
        return "json", text
    return "text", text


def _decode_text(data: bytes) -> str:
    encoding = "utf-16" if data.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8-sig"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        raise _unsupported(
            "binary data or text in an encoding other than UTF-8",
            " If it is a text file, save it as UTF-8 and upload it again.",
        ) from None
    sample = text[:100_000]
    controls = sum(
        1 for ch in sample if (ch < " " or "\x7f" <= ch < "\xa0") and ch not in _TEXT_CONTROL
    )
    if "\x00" in sample or controls * 200 > len(sample):
        raise _unsupported("binary data rather than text")
    return text


def _json_object(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UnreadableDocument(
            f"The file looks like JSON but is not valid JSON (line {exc.lineno}, column "
            f"{exc.colno}: {exc.msg})."
        ) from exc
    except (ValueError, RecursionError) as exc:
        raise UnreadableDocument("The file looks like JSON but could not be read.") from exc
    if not isinstance(value, dict):
        kind = "an array" if isinstance(value, list) else "a single value"
        raise UnreadableDocument(
            f"The JSON file holds {kind}; a JSON Resume file must hold a single JSON object "
            "with 'basics', 'work' and the other JSON Resume sections."
        )
    return value


# --------------------------------------------------------------------------------------------
# PDF
# --------------------------------------------------------------------------------------------

# PDFium is not thread-safe, not even across different documents, and the API may serve uploads
# from several threads at once; every call into it is made while holding this lock.
PDFIUM_LOCK = threading.Lock()
_MIN_TEXT_CHARS = 20
"""Fewer letters and digits than this means the PDF has no usable text layer."""
_PAGE_FURNITURE = re.compile(
    r"(?:page\s+\d{1,3}(?:\s*(?:of|/)\s*\d{1,3})?|\d{1,3}\s*(?:of|/)\s*\d{1,3}|-\s*\d{1,3}\s*-)",
    re.IGNORECASE,
)


_STREAM_START = re.compile(rb"(?<!end)stream\r?\n")
_FONT_PROGRAM_KEYS = (b"/Length1", b"/Length2", b"/Type1C", b"/CIDFontType0C", b"/OpenType")
_INFLATE_STEP = 1024 * 1024


def _check_pdf_streams(data: bytes, limits: Limits) -> None:
    """Refuse a PDF whose compressed streams would expand beyond the limits.

    PDFium inflates every content stream before it can read a page, and will happily build a
    gigabyte from a few hundred kilobytes (a "zip bomb" in PDF form), taking seconds and
    gigabytes of memory. So each Flate stream is inflated here first, in bounded steps and
    without keeping the output, stopping as soon as the total passes the limit. Images are
    skipped: text extraction never decodes them.
    """
    content_left = limits.max_pdf_inflated
    fonts_left = 8 * limits.max_pdf_inflated
    pos = 0
    while (match := _STREAM_START.search(data, pos)) is not None:
        start = match.end()
        end = data.find(b"endstream", start)
        end = len(data) if end == -1 else end
        pos = end
        head = data[max(0, match.start() - 1024) : match.start()]
        head = head[head.rfind(b"obj") + 1 :]  # the stream's own dictionary
        if b"/FlateDecode" not in head or b"/Image" in head:
            continue
        if any(key in head for key in _FONT_PROGRAM_KEYS):
            fonts_left -= _inflated_size(data[start:end], fonts_left + 1)
        else:
            content_left -= _inflated_size(data[start:end], content_left + 1)
        if content_left < 0 or fonts_left < 0:
            raise DocumentTooLarge(
                "The PDF's compressed content expands to far more than a resume needs (more "
                f"than {_megabytes(limits.max_pdf_inflated)} of page content) and was refused."
            )


def _inflated_size(stream: bytes, cap: int) -> int:
    inflater = zlib.decompressobj()
    size = 0
    try:
        while stream and size < cap and not inflater.eof:
            inflated = len(inflater.decompress(stream, _INFLATE_STEP))
            if not inflated and len(inflater.unconsumed_tail) == len(stream):
                break  # no progress: the rest is not deflate data
            size += inflated
            stream = inflater.unconsumed_tail
    except zlib.error:
        pass  # a damaged stream is PDFium's to judge; it cannot inflate further than this
    return size


def _pdf_text(data: bytes, limits: Limits) -> tuple[str, int]:
    _check_pdf_streams(data, limits)
    with PDFIUM_LOCK:
        try:
            document = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            if exc.err_code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
                raise PdfEncrypted() from None
            document = None
        if document is not None:
            try:
                pages = _pdfium_pages(document, limits)
            finally:
                document.close()
    if document is None:  # PDFium could not open it; pypdf repairs a few files it rejects
        pages = _pypdf_pages(data, limits)
    text = clean_text(
        "\n\n".join(
            "\n".join(line for line in page.split("\n") if not _PAGE_FURNITURE.fullmatch(line))
            for page in pages
        )
    )
    if sum(ch.isalnum() for ch in text) < _MIN_TEXT_CHARS:
        raise NoTextLayer()
    return text, len(pages)


def _check_page_count(count: int, limits: Limits) -> None:
    if count <= 0:
        raise UnreadableDocument("The PDF has no pages.")
    if count > limits.max_pages:
        raise TooManyPages(
            f"The PDF has {count:,} pages; a resume may have at most {limits.max_pages}."
        )


def _pdfium_pages(document: Any, limits: Limits) -> list[str]:
    count = len(document)
    _check_page_count(count, limits)  # before touching any page, so a huge PDF costs nothing
    budget = 3 * limits.max_chars  # raw characters, before layout and clean-up shrink them
    pages: list[str] = []
    for index in range(count):
        page = document[index]
        try:
            textpage = page.get_textpage()
            try:
                chars = textpage.count_chars()
                budget -= chars
                if budget < 0:
                    raise _too_long(limits)
                pages.append(_page_text(textpage, chars))
            finally:
                textpage.close()
        finally:
            page.close()
    return pages


def _pypdf_pages(data: bytes, limits: Limits) -> list[str]:
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                unlocked = reader.decrypt("")
            except Exception:
                raise PdfEncrypted() from None
            if unlocked == PasswordType.NOT_DECRYPTED:
                raise PdfEncrypted()
        count = len(reader.pages)
    except ResumesmithError:
        raise
    except Exception as exc:
        raise UnreadableDocument(
            "The PDF is damaged and could not be read. Export it again and re-upload it."
        ) from exc
    _check_page_count(count, limits)
    pages: list[str] = []
    total = 0
    for page in reader.pages:
        try:
            text = page.extract_text() or ""
        except Exception:
            text = ""  # one unreadable page should not lose the rest of the resume
        total += len(text)
        if total > 2 * limits.max_chars:
            raise _too_long(limits)
        pages.append(text)
    return pages


# ---- page layout ---------------------------------------------------------------------------
#
# PDFium's own text output follows the content stream and glues everything on one baseline
# together with a single space. That loses the wide gap between "Senior Engineer" and a
# right-aligned "2019 – Present" (which the parser reads as a column separator) and interleaves
# two-column layouts whose columns were drawn row by row. So characters are read with their
# boxes, grouped into runs, and laid out again here.


@dataclass
class _Run:
    """Characters drawn contiguously on one baseline, in content-stream order."""

    order: int
    left: float
    bottom: float
    right: float
    top: float
    chars: list[str] = field(default_factory=list)

    @property
    def height(self) -> float:
        return self.top - self.bottom

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def text(self) -> str:
        return "".join(self.chars).strip()


@dataclass
class _PdfLine:
    runs: list[_Run]
    middle: float
    height: float

    @property
    def left(self) -> float:
        return self.runs[0].left

    @property
    def bottom(self) -> float:
        return min(run.bottom for run in self.runs)

    @property
    def top(self) -> float:
        return max(run.top for run in self.runs)


_SPACE_GAP = 0.15
"""Horizontal gap, in line heights, that separates words when the PDF has no space glyph."""
_COLUMN_GAP = 1.2
"""Horizontal gap, in line heights, that separates columns (title on the left, dates right)."""


def _page_text(textpage: Any, count: int) -> str:
    runs = _runs(textpage, count)
    if not runs:
        return ""
    lines: list[str] = []
    for block in _blocks(runs):
        lines.extend(_block_lines(block))
        lines.append("")
    return "\n".join(lines)


def _runs(textpage: Any, count: int) -> list[_Run]:
    get_unicode = pdfium_c.FPDFText_GetUnicode
    get_box = pdfium_c.FPDFText_GetLooseCharBox
    box = pdfium_c.FS_RECTF()
    box_ref = ctypes.byref(box)
    runs: list[_Run] = []
    cur: _Run | None = None
    space = False
    last = (float("nan"), float("nan"))  # left and bottom of the previous glyph's box
    for index in range(count):
        code = get_unicode(textpage, index)
        if code <= 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            continue
        ch = chr(code)
        if ch.isspace():
            space = True  # includes the spaces and line breaks PDFium generates between words
            continue
        if not get_box(textpage, index, box_ref):
            continue
        left, right = sorted((box.left, box.right))
        bottom, top = sorted((box.bottom, box.top))
        height = top - bottom
        if height <= 0:
            continue
        if cur is not None:
            if abs(left - last[0]) < 0.01 and abs(bottom - last[1]) < 0.01:
                cur.chars.append(ch)  # one glyph standing for several letters: a ligature
                continue
            scale = max(height, cur.height)
            gap = left - cur.right
            same_line = abs((top + bottom) / 2 - cur.middle) <= 0.35 * scale
            if same_line and -0.5 * scale <= gap <= _COLUMN_GAP * scale:
                if (space or gap > _SPACE_GAP * scale) and cur.chars[-1] != " ":
                    cur.chars.append(" ")
                cur.chars.append(ch)
                cur.right = max(cur.right, right)
                cur.bottom = min(cur.bottom, bottom)
                cur.top = max(cur.top, top)
                space, last = False, (left, bottom)
                continue
        cur = _Run(order=len(runs), left=left, bottom=bottom, right=right, top=top, chars=[ch])
        runs.append(cur)
        space, last = False, (left, bottom)
    return [run for run in runs if run.text]


def _blocks(runs: list[_Run]) -> list[list[_Run]]:
    """Group runs in reading order: full-width stretches, or a band's left then right column.

    A gutter is a vertical line that no run crosses for a stretch of the page with enough text on
    both sides. Tables of "title ... dates" rows also leave such a gutter, so a stretch counts as
    two columns only when its sides were drawn one after the other (as word processors and
    browsers draw columns) or when their lines do not sit side by side on shared baselines.
    """
    gutter = _find_gutter(runs)
    if gutter is None:
        return [runs]
    blocks: list[list[_Run]] = []
    full: list[_Run] = []
    for band, spanner in _bands(runs, gutter):
        columns = _columns(band, gutter)
        if columns:
            if full:
                blocks.append(full)
                full = []
            blocks.extend(columns)
        else:
            full.extend(band)
        if spanner is not None:
            full.append(spanner)
    if full:
        blocks.append(full)
    return blocks


def _bands(runs: list[_Run], gutter: float) -> Iterator[tuple[list[_Run], _Run | None]]:
    """Split the page, top to bottom, at every run that crosses the gutter."""
    band: list[_Run] = []
    for run in sorted(runs, key=lambda r: -r.middle):
        if run.left < gutter < run.right:
            yield band, run
            band = []
        else:
            band.append(run)
    yield band, None


_MIN_COLUMN_RUNS = 4


def _columns(band: list[_Run], gutter: float) -> list[list[_Run]]:
    """The band's left and right columns, or nothing when it reads as rows."""
    left = [run for run in band if run.right <= gutter]
    right = [run for run in band if run.left >= gutter]
    if len(left) < _MIN_COLUMN_RUNS or len(right) < _MIN_COLUMN_RUNS:
        return []
    on_left = {id(run) for run in left}
    in_stream = sorted(band, key=lambda run: run.order)
    switches = sum((id(a) in on_left) != (id(b) in on_left) for a, b in pairwise(in_stream))
    if switches <= 3:  # each side drawn in one go, as word processors and browsers do
        return [left, right]
    if any(is_section_heading(run.text) for run in left) and any(
        is_section_heading(run.text) for run in right
    ):
        return [left, right]  # dates and places beside titles never carry section headings
    middles = sorted(run.middle for run in left)
    paired = sum(_has_neighbour(middles, run.middle, 0.3 * run.height) for run in right)
    return [left, right] if paired < 0.6 * len(right) else []


def _has_neighbour(sorted_values: list[float], value: float, tolerance: float) -> bool:
    at = bisect_left(sorted_values, value - tolerance)
    return at < len(sorted_values) and sorted_values[at] <= value + tolerance


def _find_gutter(runs: list[_Run]) -> float | None:
    """The x position where splitting the page yields the most text in two-column bands."""
    if len(runs) < 2 * _MIN_COLUMN_RUNS:
        return None
    x_min = min(run.left for run in runs)
    width = max(run.right for run in runs) - x_min
    if width <= 0:
        return None
    starts: dict[float, int] = {}
    for run in runs:
        if x_min + 0.2 * width < run.left < x_min + 0.8 * width:
            key = round(run.left, 0)
            starts[key] = starts.get(key, 0) + 1
    candidates = sorted((n, x) for x, n in starts.items() if n >= _MIN_COLUMN_RUNS)[-5:]
    best: tuple[int, float] | None = None
    for _, x in candidates:
        gutter = x - 1.0
        columned = sum(len(band) for band, _ in _bands(runs, gutter) if _columns(band, gutter))
        if columned and (best is None or columned > best[0]):
            best = (columned, gutter)
    return best[1] if best else None


def _block_lines(runs: list[_Run]) -> list[str]:
    lines: list[_PdfLine] = []
    for run in sorted(runs, key=lambda r: (-r.middle, r.left)):
        if lines:
            line = lines[-1]
            if abs(line.middle - run.middle) <= 0.45 * min(line.height, run.height):
                line.runs.append(run)
                continue
        lines.append(_PdfLine(runs=[run], middle=run.middle, height=run.height))
    if not lines:
        return []
    for line in lines:
        line.runs.sort(key=lambda r: r.left)
    margin = min(line.left for line in lines)
    width = max(run.right for run in runs) - margin
    gaps = [a.bottom - b.top for a, b in pairwise(lines)]
    usual_gap = median(gaps) if gaps else 0.0

    out: list[str] = []
    for i, line in enumerate(lines):
        if i and gaps[i - 1] > max(0.5 * line.height, usual_gap + 0.4 * line.height):
            out.append("")
        offset = line.left - margin
        indent = round(offset / (0.5 * line.height)) if offset < 0.25 * width else 0
        out.append(" " * min(indent, 12) + _join_runs(line.runs))
    return out


def _join_runs(runs: list[_Run]) -> str:
    parts: list[str] = []
    previous: _Run | None = None
    for run in runs:
        text = run.text
        if previous is not None:
            if text == previous.text and abs(run.left - previous.left) < 2:
                continue  # the same text drawn twice, as some generators do for bold
            gap = run.left - previous.right
            height = max(run.height, previous.height)
            if gap > _COLUMN_GAP * height:
                parts.append("   ")
            elif gap > _SPACE_GAP * height or not parts[-1].endswith(" "):
                parts.append(" ")
        parts.append(text)
        previous = run
    return "".join(parts)


# --------------------------------------------------------------------------------------------
# DOCX
# --------------------------------------------------------------------------------------------

_ALLOWED_COMPRESSION = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED})
_RATIO_FLOOR = 1024 * 1024
"""Members smaller than this may compress as well as they like; they cannot hurt."""


def _check_docx_zip(data: bytes, limits: Limits) -> None:
    """Vet a ZIP's directory without inflating anything, then require a Word document in it.

    The sizes checked are the ones the archive declares; Python's zip reader never inflates a
    member beyond its declared size, so a lying directory cannot smuggle a bomb past this.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise UnreadableDocument(
            "The file is a damaged or incomplete ZIP or DOCX archive and could not be read."
        ) from exc
    if len(members) > limits.max_zip_entries:
        raise UnreadableDocument(
            f"The archive holds {len(members):,} files; a DOCX resume has far fewer."
        )
    names = {member.filename for member in members}
    if "word/document.xml" not in names:
        if "mimetype" in names or "content.xml" in names:
            raise _unsupported("an OpenDocument file (for example from LibreOffice)")
        if any(name.startswith(("ppt/", "xl/")) for name in names):
            raise _unsupported("a PowerPoint or Excel file")
        raise _unsupported("a ZIP archive")
    unpacked = sum(member.file_size for member in members)
    packed = sum(member.compress_size for member in members)
    if unpacked > limits.max_docx_uncompressed:
        raise DocumentTooLarge(
            f"The DOCX expands to {_megabytes(unpacked)}; the limit is "
            f"{_megabytes(limits.max_docx_uncompressed)}."
        )
    for member in members:
        if member.compress_type not in _ALLOWED_COMPRESSION or member.flag_bits & 0x1:
            raise UnreadableDocument(
                "The DOCX uses encryption or compression that Word does not produce."
            )
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > _RATIO_FLOOR and ratio > limits.max_zip_ratio:
            raise _zip_bomb()
    if unpacked > _RATIO_FLOOR and unpacked / max(packed, 1) > limits.max_zip_ratio:
        raise _zip_bomb()


def _zip_bomb() -> UnreadableDocument:
    return UnreadableDocument(
        "The DOCX is compressed far more than real documents are (a 'zip bomb') and was refused."
    )


_W_P = qn("w:p")
_W_TBL = qn("w:tbl")
_W_TR = qn("w:tr")
_W_TC = qn("w:tc")
_W_SDT = qn("w:sdt")
_W_SDT_CONTENT = qn("w:sdtContent")
_W_CUSTOM_XML = qn("w:customXml")
_W_T = qn("w:t")
_W_TAB = qn("w:tab")
_W_BR = qn("w:br")
_W_CR = qn("w:cr")
_W_NO_BREAK_HYPHEN = qn("w:noBreakHyphen")
_W_SYM = qn("w:sym")
_W_TXBX_CONTENT = qn("w:txbxContent")
_W_PPR = qn("w:pPr")
_W_RPR = qn("w:rPr")
_W_PSTYLE = qn("w:pStyle")
_W_NUMPR = qn("w:numPr")
_W_NUMID = qn("w:numId")
_W_OUTLINE = qn("w:outlineLvl")
_W_VAL = qn("w:val")
_W_CHAR = qn("w:char")
_SKIPPED_TAGS = frozenset(
    {
        _W_PPR,
        _W_RPR,
        qn("w:del"),
        qn("w:delText"),
        qn("w:instrText"),
        qn("w:moveFrom"),
        qn("w:footnoteReference"),
        "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback",
    }
)
_APP_PAGES = re.compile(rb"<(?:\w+:)?Pages>(\d{1,6})</(?:\w+:)?Pages>")


@dataclass(frozen=True)
class _StyleInfo:
    is_list: bool
    is_heading: bool


def _docx_text(data: bytes, limits: Limits) -> tuple[str, int]:
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:
        raise UnreadableDocument(
            "The DOCX is damaged or is not a Word document and could not be read. Open it in "
            "Word or LibreOffice, save it again, and re-upload it."
        ) from exc
    styles = _docx_styles(document)
    writer = _DocxWriter(styles, limits)
    for section in document.sections[:1]:  # templates often put the name and contacts here
        header = (
            section.first_page_header
            if section.different_first_page_header_footer
            else section.header
        )
        if not header.is_linked_to_previous:
            writer.blocks(header._element)
    writer.blocks(document.element.body)
    return clean_text("\n".join(writer.lines)), _docx_pages(data)


def _docx_pages(data: bytes) -> int:
    """Pages as Word last counted them (docProps/app.xml); 0 when the file does not say."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            info = archive.getinfo("docProps/app.xml")
            if info.file_size > 256 * 1024:
                return 0
            match = _APP_PAGES.search(archive.read(info))
    except (KeyError, zipfile.BadZipFile, ValueError, OSError, EOFError):
        return 0
    return int(match.group(1)) if match else 0


def _docx_styles(document: Any) -> dict[str, _StyleInfo]:
    """Which paragraph styles make a list item or a heading, following each style's base."""
    by_id: dict[str, Any] = {}
    for style in document.styles:
        if style.style_id:
            by_id[style.style_id] = style
    infos: dict[str, _StyleInfo] = {}
    for style_id, style in by_id.items():
        is_list = is_heading = False
        current, seen = style, 0
        while current is not None and seen < 20:
            name = (current.name or "").lower()
            ppr = current.element.find(_W_PPR)
            if name.startswith(("list bullet", "list number")) or (
                ppr is not None and ppr.find(_W_NUMPR) is not None
            ):
                is_list = True
            if (
                name.startswith("heading")
                or name == "title"
                or (ppr is not None and ppr.find(_W_OUTLINE) is not None)
            ):
                is_heading = True
            current, seen = getattr(current, "base_style", None), seen + 1
        infos[style_id] = _StyleInfo(is_list=is_list, is_heading=is_heading)
    return infos


class _DocxWriter:
    """Walks Word XML in document order, writing the lines the text parser reads best.

    Lists become "- " lines, and a blank line follows the last item so the parser does not glue
    the next paragraph onto it. A table row of one-line cells becomes one line joined with
    " | " (a header such as "Engineer | Acme | 2019 – 2021"); rows with longer cells, as used for
    two-column layouts, are written cell after cell.
    """

    def __init__(self, styles: dict[str, _StyleInfo], limits: Limits) -> None:
        self.styles = styles
        self.lines: list[str] = []
        self.budget = 2 * limits.max_chars
        self.limits = limits
        self.in_list = False

    def emit(self, line: str) -> None:
        self.budget -= len(line) + 1
        if self.budget < 0:
            raise _too_long(self.limits)
        self.lines.append(line)

    def blocks(self, element: Any) -> None:
        for child in element:
            self.block(child)

    def block(self, element: Any) -> None:
        tag = element.tag
        if tag == _W_P:
            self.paragraph(element)
        elif tag == _W_TBL:
            self.table(element)
        elif tag in (_W_SDT, _W_SDT_CONTENT, _W_CUSTOM_XML):
            self.blocks(element)

    def paragraph(self, p: Any) -> None:
        boxes: list[Any] = []
        text = "".join(_inline_text(p, boxes))
        style = self._style(p)
        if not text.strip():
            if not boxes:
                self.end_list()
                self.emit("")
        elif style.is_list:
            first, *rest = [part.strip() for part in text.split("\n") if part.strip()]
            self.emit(f"- {first}")
            for part in rest:
                self.emit(f"  {part}")
            self.in_list = True
        else:
            self.end_list()
            if style.is_heading and self.lines and self.lines[-1]:
                self.emit("")
            for part in text.split("\n"):
                self.emit(part.strip() if style.is_heading else part.rstrip())
        for box in boxes:
            if box.tag == _W_TXBX_CONTENT:
                self.blocks(box)
            else:
                self.block(box)

    def end_list(self) -> None:
        if self.in_list:
            self.emit("")
            self.in_list = False

    def table(self, tbl: Any) -> None:
        self.end_list()
        for row in tbl.iter(_W_TR):
            if row.getparent() is not None and _nearest_table(row) is not tbl:
                continue  # nested tables are written by their own cell
            cells: list[list[str]] = []
            for cell in _row_cells(row):
                sub = _DocxWriter(self.styles, self.limits)
                sub.budget = self.budget
                sub.blocks(cell)
                sub.end_list()
                self.budget = sub.budget
                lines = [line for line in sub.lines if line.strip()]
                if lines:
                    cells.append(sub.lines)
            if not cells:
                continue
            if all(sum(1 for line in cell if line.strip()) == 1 for cell in cells):
                self.emit(" | ".join(next(line for line in c if line.strip()) for c in cells))
            else:
                for cell in cells:
                    for line in cell:
                        self.emit(line)
                    self.end_list()
                    if self.lines and self.lines[-1]:
                        self.emit("")

    def _style(self, p: Any) -> _StyleInfo:
        ppr = p.find(_W_PPR)
        if ppr is None:
            return _NO_STYLE
        numpr = ppr.find(_W_NUMPR)
        style_el = ppr.find(_W_PSTYLE)
        style = self.styles.get(style_el.get(_W_VAL, "") if style_el is not None else "", _NO_STYLE)
        if numpr is not None:
            num_id = numpr.find(_W_NUMID)
            if num_id is None or num_id.get(_W_VAL) != "0":
                return _StyleInfo(is_list=True, is_heading=False)
            return _StyleInfo(is_list=False, is_heading=style.is_heading)
        if ppr.find(_W_OUTLINE) is not None:
            return _StyleInfo(is_list=False, is_heading=True)
        return style


_NO_STYLE = _StyleInfo(is_list=False, is_heading=False)


def _nearest_table(element: Any) -> Any:
    parent = element.getparent()
    while parent is not None and parent.tag != _W_TBL:
        parent = parent.getparent()
    return parent


def _row_cells(row: Any) -> Iterator[Any]:
    for child in row:
        if child.tag == _W_TC:
            yield child
        elif child.tag in (_W_SDT, _W_SDT_CONTENT, _W_CUSTOM_XML):
            yield from _row_cells(child)


_SYMBOL_BULLETS = frozenset({"F0B7", "F0A7", "F076", "F0D8", "F0FC", "F0A8", "F06C", "F06E"})


def _inline_text(element: Any, boxes: list[Any]) -> Iterator[str]:
    """Yield a paragraph's visible text; text boxes inside it are collected, not inlined."""
    for child in element:
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIPPED_TAGS:
            continue  # comments, processing instructions, properties, deleted text
        if tag == _W_T:
            yield child.text or ""
        elif tag == _W_TAB:
            yield "\t"
        elif tag in (_W_BR, _W_CR):
            yield "\n"
        elif tag == _W_NO_BREAK_HYPHEN:
            yield "-"
        elif tag == _W_SYM:
            yield "\u2022" if (child.get(_W_CHAR) or "").upper() in _SYMBOL_BULLETS else ""
        elif tag == _W_TXBX_CONTENT:
            boxes.append(child)
        elif tag in (_W_P, _W_TBL):
            boxes.append(child)  # block content found inline belongs in its own lines
        else:
            yield from _inline_text(child, boxes)
