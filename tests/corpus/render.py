"""Render the hand-written corpus resumes into the files users actually upload.

Every corpus file ``NN-slug.json`` holds three things (see ``README.md`` beside this module):

* ``content`` — what the resume says: name, contact lines, jobs with dates *as written*, bullets,
  education, skill groups, optional projects, certifications, languages;
* ``layout`` — how it looks: heading words, job-header style, bullet character, one or two
  columns, text flavour (plain or Markdown), skills style, page size;
* ``expected`` — the JSON Resume fields a parser must recover.

``render(entry, fmt)`` turns one entry into the bytes of one upload format:

``txt``            plain text or Markdown, as pasted or typed by the user;
``pdf-reportlab``  a PDF drawn line by line with reportlab's canvas (two-column layouts are really
                   drawn as two columns, side by side, each flowing onto further pages);
``pdf-xhtml2pdf``  a PDF from HTML via xhtml2pdf (a table for two columns, since xhtml2pdf
                   ignores flex and grid);
``docx``           a Word document from python-docx with real heading styles, list bullets and a
                   table for two-column layouts.

Everything is built in memory and is byte-for-byte deterministic for a given entry. All three
binary formats go through one line model (``build``) so that they only differ in how they draw.

Run ``python -m tests.corpus.render OUTDIR [SLUG ...]`` to write the files out for a look.
"""

from __future__ import annotations

import html
import io
import json
import sys
import textwrap
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

CORPUS_DIR = Path(__file__).resolve().parent
FORMATS: tuple[str, ...] = ("txt", "pdf-reportlab", "pdf-xhtml2pdf", "docx")
EXTENSIONS = {"txt": "txt", "pdf-reportlab": "pdf", "pdf-xhtml2pdf": "pdf", "docx": "docx"}

# --------------------------------------------------------------------------------------------
# Corpus entries
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    slug: str
    description: str
    layout: dict[str, Any]
    content: dict[str, Any]
    expected: dict[str, Any]

    @property
    def markdown(self) -> bool:
        return bool(self.layout.get("text") == "markdown")


def load_entry(path: Path) -> Entry:
    data = json.loads(path.read_text(encoding="utf-8"))
    return Entry(
        slug=path.stem,
        description=str(data.get("description", "")),
        layout=data["layout"],
        content=data["content"],
        expected=data["expected"],
    )


def load_corpus(directory: Path = CORPUS_DIR) -> list[Entry]:
    """All entries, in file-name order."""
    return [load_entry(path) for path in sorted(directory.glob("[0-9][0-9]-*.json"))]


# --------------------------------------------------------------------------------------------
# Line model shared by all renderers
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    kind: str
    """name, headline, contact, heading, entry, sub, body, bullet or gap."""
    text: str = ""
    right: str = ""
    """Text set flush right on the same line (dates beside an employer)."""
    gutter: str = ""
    """Text in a narrow left column beside this line (moderncv-style dates)."""
    mark: str = ""
    """Bullet character of a bullet line."""
    indent: bool = False
    """Content under a gutter entry, set in from the left by the gutter's width."""


@dataclass
class Doc:
    name: str
    layout: dict[str, Any]
    header: list[Line] = field(default_factory=list)
    sidebar: list[Line] = field(default_factory=list)
    main: list[Line] = field(default_factory=list)
    footer: str = ""

    @property
    def columns(self) -> int:
        return 2 if self.sidebar else 1


_ICONS = {"email": "\u2709", "phone": "\u260e", "location": "\u2302", "url": "\u279a"}
_DASH = "\u2014"


def _contact_kind(item: str) -> str:
    if "@" in item and "/" not in item:
        return "email"
    if sum(ch.isdigit() for ch in item) >= 7 and not any(ch.isalpha() for ch in item):
        return "phone"
    if "/" in item or item.startswith("www.") or item.endswith((".com", ".dev", ".io")):
        return "url"
    return "location"


def _contact_items(content: dict[str, Any], layout: dict[str, Any]) -> list[str]:
    style = layout.get("contact", {})
    items = [str(item) for item in content.get("contact", [])]
    if style.get("icons"):
        items = [f"{_ICONS[_contact_kind(item)]} {item}" for item in items]
    return items


def _contact_lines(content: dict[str, Any], layout: dict[str, Any]) -> list[Line]:
    style = layout.get("contact", {})
    items = _contact_items(content, layout)
    if style.get("style", "inline") == "stacked":
        return [Line("contact", item) for item in items]
    separator = style.get("separator", " | ")
    per_line = int(style.get("per_line", 0)) or len(items) or 1
    return [
        Line("contact", separator.join(items[i : i + per_line]))
        for i in range(0, len(items), per_line)
    ]


def _job_header(job: dict[str, Any], style: str, dash: str) -> list[Line]:
    title, employer, dates = job["title"], job["employer"], job["dates"]
    location = job.get("location", "")
    placed = f"{employer}, {location}" if location else employer
    where_when = f"{location} | {dates}" if location else dates
    match style:
        case "title_company_paren_dates":
            return [Line("entry", f"{title} {dash} {employer} ({dates})")]
        case "company_pipe_title_dateline":
            return [Line("entry", f"{employer} | {title}"), Line("sub", where_when)]
        case "title_at_company_dates":
            return [Line("entry", f"{title} at {employer}, {dates}")]
        case "title_comma_company_pipe_dates":
            return [Line("entry", f"{title}, {employer} | {dates}")]
        case "company_dash_title_dateline":
            return [Line("entry", f"{employer} {dash} {title}"), Line("sub", where_when)]
        case "stacked":
            return [Line("entry", title), Line("sub", placed), Line("sub", dates)]
        case "company_right_dates_title":
            return [Line("entry", placed, right=dates), Line("sub", title)]
        case "title_right_dates_company":
            return [Line("entry", title, right=dates), Line("sub", placed)]
        case "gutter_dates":
            return [Line("entry", f"{title}, {placed}", gutter=dates)]
        case "title_pipe_company_pipe_dates":
            return [Line("entry", f"{title} | {employer} | {dates}")]
        case "title_company_dateline":
            return [Line("entry", f"{title}, {employer}"), Line("sub", dates)]
    raise ValueError(f"unknown job_header style {style!r}")


def _education_header(school: dict[str, Any], style: str, dash: str) -> list[Line]:
    institution, degree, dates = school["institution"], school["degree"], school["dates"]
    location = school.get("location", "")
    placed = f"{institution}, {location}" if location else institution
    match style:
        case "degree_inst_dates":
            return [Line("entry", f"{degree}, {institution}, {dates}")]
        case "inst_degree_dateline":
            return [Line("entry", placed), Line("sub", f"{degree} | {dates}")]
        case "inst_right_dates_degree":
            return [Line("entry", placed, right=dates), Line("sub", degree)]
        case "degree_inst_dateline":
            return [Line("entry", degree), Line("sub", f"{institution}, {dates}")]
        case "degree_dash_inst_paren_dates":
            return [Line("entry", f"{degree} {dash} {institution} ({dates})")]
        case "gutter_dates":
            return [Line("entry", f"{degree}, {placed}", gutter=dates)]
        case "stacked":
            return [Line("entry", degree), Line("sub", placed), Line("sub", dates)]
    raise ValueError(f"unknown education style {style!r}")


def _indented(lines: list[Line], on: bool) -> list[Line]:
    if not on:
        return lines
    return [
        line if line.gutter or line.kind in {"heading", "gap"} else _with(line, indent=True)
        for line in lines
    ]


def _with(line: Line, **changes: Any) -> Line:
    values = {**line.__dict__, **changes}
    return Line(**values)


def _jobs(jobs: list[dict[str, Any]], layout: dict[str, Any], mark: str) -> list[Line]:
    style = layout["job_header"]
    dash = layout.get("dash", _DASH)
    lines: list[Line] = []
    for number, job in enumerate(jobs):
        if number:
            lines.append(Line("gap"))
        header = _job_header(job, style, dash)
        if job.get("blurb"):
            header.append(Line("sub", job["blurb"]))
        body = [Line("bullet", text, mark=mark) for text in job.get("bullets", [])]
        lines += _indented(header + body, style == "gutter_dates")
    return lines


def _skills(groups: list[dict[str, Any]], layout: dict[str, Any], mark: str) -> list[Line]:
    config = layout.get("skills", {})
    style = config.get("style", "grouped")
    separator = config.get("separator", ", ")
    match style:
        case "grouped":
            return [Line("body", f"{g['group']}: {separator.join(g['items'])}") for g in groups]
        case "grouped_bullets":
            return [
                Line("bullet", f"{g['group']}: {separator.join(g['items'])}", mark=mark)
                for g in groups
            ]
        case "flat":
            return [Line("body", separator.join(item for g in groups for item in g["items"]))]
        case "bullets":
            return [Line("bullet", item, mark=mark) for g in groups for item in g["items"]]
        case "group_headings":
            lines: list[Line] = []
            for g in groups:
                lines += [Line("sub", g["group"]), Line("body", separator.join(g["items"]))]
            return lines
    raise ValueError(f"unknown skills style {style!r}")


def _section(kind: str, content: dict[str, Any], layout: dict[str, Any]) -> list[Line]:
    mark = layout.get("bullet", "\u2022")
    heading = layout.get("headings", {}).get(kind, kind.title())
    lines = [Line("heading", heading)] if heading else []
    dash = layout.get("dash", _DASH)
    match kind:
        case "contact":
            body = [Line("contact", item) for item in _contact_items(content, layout)]
        case "summary":
            body = [Line("body", content["summary"])]
        case "work" | "volunteer":
            jobs = content[kind]
            if kind == "work" and layout.get("work_split"):
                jobs = jobs[: layout["work_split"]]
            body = _jobs(jobs, layout, mark)
        case "work_earlier":  # a career changer's earlier jobs, under a heading of their own
            body = _jobs(content["work"][layout["work_split"] :], layout, mark)
        case "education":
            style = layout.get("education", "degree_inst_dates")
            body = []
            for number, school in enumerate(content["education"]):
                if number:
                    body.append(Line("gap"))
                part = _education_header(school, style, dash)
                part += [Line("body", detail) for detail in school.get("details", [])]
                body += _indented(part, style == "gutter_dates")
        case "skills":
            body = _skills(content["skills"], layout, mark)
        case "projects":
            body = []
            for project in content["projects"]:
                body.append(Line("entry", f"{project['name']} {dash} {project['description']}"))
                body += [Line("bullet", text, mark=mark) for text in project.get("bullets", [])]
                if project.get("tech"):
                    body.append(Line("body", f"Tech: {', '.join(project['tech'])}"))
        case "certifications" | "awards":
            body = [Line("bullet", item, mark=mark) for item in content[kind]]
        case "languages" | "interests":
            value = content[kind]
            items = value if isinstance(value, list) else [value]
            body = [Line("body", ", ".join(items))]
        case _:
            raise ValueError(f"unknown section {kind!r}")
    return lines + body


def build(entry: Entry) -> Doc:
    """Lay an entry out as lines: a header, an optional sidebar and the main column."""
    content, layout = entry.content, entry.layout
    name = content["name"].upper() if layout.get("name_upper") else content["name"]
    doc = Doc(name=content["name"], layout=layout)
    doc.header.append(Line("name", name))
    if content.get("headline"):
        doc.header.append(Line("headline", content["headline"]))
    sidebar_kinds = list(layout.get("sidebar", []))
    if "contact" not in sidebar_kinds:
        doc.header += _contact_lines(content, layout)
    for kind in sidebar_kinds:
        if doc.sidebar:
            doc.sidebar.append(Line("gap"))
        doc.sidebar += _section(kind, content, layout)
    for kind in layout["sections"]:
        if doc.main:
            doc.main.append(Line("gap"))
        doc.main += _section(kind, content, layout)
    if layout.get("footer"):
        doc.footer = f"{entry.content['name']} {_DASH} Curriculum Vitae"
    return doc


def _lines_in_reading_order(doc: Doc) -> Iterator[Line]:
    yield from doc.header
    yield from doc.sidebar
    yield from doc.main


# --------------------------------------------------------------------------------------------
# Text and Markdown
# --------------------------------------------------------------------------------------------

_TEXT_WIDTH = 92
_GUTTER_CHARS = 22


def _wrap(text: str, first: str = "", rest: str = "") -> list[str]:
    wrapper = textwrap.TextWrapper(
        width=_TEXT_WIDTH,
        initial_indent=first,
        subsequent_indent=rest,
        break_long_words=False,
        break_on_hyphens=False,
    )
    return wrapper.wrap(text) or [first.rstrip()]


def _text_line(line: Line, layout: dict[str, Any]) -> list[str]:
    pad = " " * _GUTTER_CHARS if line.indent else ""
    text = line.text
    if line.gutter:
        text = f"{line.gutter:<{_GUTTER_CHARS - 2}}  {text}"
    if line.right:
        gap = max(4, _TEXT_WIDTH - len(pad) - len(text) - len(line.right))
        text = f"{text}{' ' * gap}{line.right}"
    match line.kind:
        case "gap":
            return [""]
        case "heading":
            rule = layout.get("heading_rule")
            return ["", line.text, *([rule * len(line.text)] if rule else [])]
        case "bullet":
            return _wrap(text, f"{pad}{line.mark} ", f"{pad}{' ' * (len(line.mark) + 1)}")
        case "body":
            return _wrap(text, pad, pad)
    return [pad + text]


def _markdown_line(line: Line) -> list[str]:
    match line.kind:
        case "name":
            return [f"# {line.text}"]
        case "headline":
            return [f"**{line.text}**"]
        case "heading":
            return ["", f"## {line.text}", ""]
        case "gap":
            return [""]
        case "bullet":
            return [f"- {line.text}"]
        case "entry":
            out = [f"### {line.text}"]
            out += [f"*{extra}*" for extra in (line.gutter, line.right) if extra]
            return out
        case "sub":
            return [f"*{line.text}*"]
        case "contact":
            return [line.text + "  "]
    return [line.text]


def render_text(entry: Entry) -> str:
    doc = build(entry)
    out: list[str] = []
    # A sidebar simply comes first, as it does when text is copied out of a two-column table.
    for line in _lines_in_reading_order(doc):
        out += _markdown_line(line) if entry.markdown else _text_line(line, doc.layout)
    text = "\n".join(out)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.strip() + "\n"


# --------------------------------------------------------------------------------------------
# Fonts
# --------------------------------------------------------------------------------------------

_FONT_FILES = {
    "regular": "DejaVuSans.ttf",
    "bold": "DejaVuSans-Bold.ttf",
    "italic": "DejaVuSans-Oblique.ttf",
}


FONT_DIR = Path(__file__).resolve().parents[2] / "worker" / "pipeline" / "fonts"


@cache
def font_paths() -> dict[str, Path]:
    """DejaVu Sans, shipped with resumesmith (worker/pipeline/fonts), covers every name here.

    reportlab bundles only Bitstream Vera, which lacks Vietnamese letters such as "ễ" and "ị".
    """
    return {style: FONT_DIR / name for style, name in _FONT_FILES.items()}


_RL_REGULAR, _RL_BOLD, _RL_ITALIC = "CorpusSans", "CorpusSans-Bold", "CorpusSans-Oblique"


@cache
def _register_reportlab_fonts() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    paths = font_paths()
    for font_name, style in ((_RL_REGULAR, "regular"), (_RL_BOLD, "bold"), (_RL_ITALIC, "italic")):
        pdfmetrics.registerFont(TTFont(font_name, str(paths[style])))


# --------------------------------------------------------------------------------------------
# PDF drawn with reportlab's canvas
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Style:
    font: str
    size: float
    leading: float
    before: float = 0.0


_PDF_STYLES = {
    "name": _Style(_RL_BOLD, 20, 25),
    "headline": _Style(_RL_REGULAR, 11.5, 15),
    "contact": _Style(_RL_REGULAR, 9.5, 12.5),
    "heading": _Style(_RL_BOLD, 12, 16, 9),
    "entry": _Style(_RL_BOLD, 10.5, 13.5, 3),
    "sub": _Style(_RL_ITALIC, 10, 13),
    "body": _Style(_RL_REGULAR, 10, 13),
    "bullet": _Style(_RL_REGULAR, 10, 13),
    "gap": _Style(_RL_REGULAR, 10, 5),
}
_MARGIN = 50.0
_GUTTER_PT = 88.0
_SIDEBAR_PT = 150.0
_COLUMN_GAP_PT = 22.0


@dataclass
class _Op:
    page: int
    kind: str
    """text, right, rule or vline."""
    x: float
    y: float
    text: str = ""
    font: str = ""
    size: float = 0.0
    x2: float = 0.0


def _gutter_rows(text: str, style: _Style) -> list[str]:
    """Date-column text, broken after the range dash when too wide ("2017 –" / "Present")."""
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfbase.pdfmetrics import stringWidth

    if not text:
        return []
    width = _GUTTER_PT - 10
    head, dash, tail = text.partition(" \u2013 ")
    if stringWidth(text, style.font, style.size) <= width or not dash:
        rows: list[str] = simpleSplit(text, style.font, style.size, width)
        return rows
    return [f"{head} \u2013", tail]


@dataclass
class _Flow:
    """One column of text flowing from page to page."""

    x: float
    width: float
    y: float
    top: float
    ops: list[_Op]
    page: int = 0

    def room(self, height: float) -> None:
        if self.y - height < _MARGIN:
            self.page += 1
            self.y = self.top

    def text(self, x: float, text: str, style: _Style, kind: str = "text") -> None:
        self.ops.append(_Op(self.page, kind, x, self.y, text, style.font, style.size))

    def add(self, line: Line) -> None:
        from reportlab.lib.utils import simpleSplit
        from reportlab.pdfbase.pdfmetrics import stringWidth

        style = _PDF_STYLES[line.kind]
        if line.kind == "gap":
            self.y -= style.leading
            return
        if line.kind == "heading":
            self.room(style.before + style.leading * 3)
            self.y -= style.before + style.size
            self.text(self.x, line.text, style)
            self.ops.append(_Op(self.page, "rule", self.x, self.y - 4, x2=self.x + self.width))
            self.y -= style.leading - style.size + 3
            return
        x = self.x + (_GUTTER_PT if line.indent or line.gutter else 0.0)
        width = self.x + self.width - x
        if line.right:
            width -= stringWidth(line.right, style.font, style.size) + 12
        text_x = x
        if line.kind == "bullet":
            text_x = x + 12
            width -= 12
        rows = simpleSplit(line.text, style.font, style.size, width)
        if any(stringWidth(row, style.font, style.size) > width + 1 for row in rows):
            # An unbreakable word would overprint the next column; shorten it in the corpus.
            raise ValueError(f"{line.text!r} does not fit its column")
        gutter = _PDF_STYLES["body"]
        gutter_rows = _gutter_rows(line.gutter, gutter)
        count = max(len(rows), len(gutter_rows), 1)
        self.room(style.before + count * style.leading)
        self.y -= style.before
        for i in range(count):
            self.y -= style.size
            if i < len(gutter_rows):
                self.text(self.x, gutter_rows[i], gutter)
            if i == 0 and line.kind == "bullet":
                self.text(x + 2, line.mark, style)
            if i < len(rows):
                self.text(text_x, rows[i], style)
            if i == 0 and line.right:
                self.text(self.x + self.width, line.right, style, kind="right")
            self.y -= style.leading - style.size


def render_pdf_reportlab(entry: Entry) -> bytes:
    from reportlab.lib.pagesizes import A4, LETTER
    from reportlab.pdfgen.canvas import Canvas

    _register_reportlab_fonts()
    doc = build(entry)
    page_w, page_h = LETTER if doc.layout.get("page") == "letter" else A4
    ops: list[_Op] = []
    top = page_h - _MARGIN
    full = _Flow(_MARGIN, page_w - 2 * _MARGIN, top, top, ops)
    for line in doc.header:
        full.add(line)
    full.y -= 6
    if doc.sidebar:
        side = _Flow(_MARGIN, _SIDEBAR_PT, full.y, top, ops)
        main_x = _MARGIN + _SIDEBAR_PT + _COLUMN_GAP_PT
        main = _Flow(main_x, page_w - _MARGIN - main_x, full.y, top, ops)
        column_top = full.y
        for line in doc.sidebar:
            side.add(line)
        for line in doc.main:
            main.add(line)
        line_x = main_x - _COLUMN_GAP_PT / 2
        ops.append(_Op(0, "vline", line_x, column_top, x2=_MARGIN))
        pages = max(side.page, main.page) + 1
    else:
        for line in doc.main:
            full.add(line)
        pages = full.page + 1

    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(page_w, page_h), invariant=1)
    canvas.setTitle(f"{doc.name} {_DASH} Resume")
    canvas.setAuthor(doc.name)
    for page in range(pages):
        for op in (op for op in ops if op.page == page):
            if op.kind == "rule":
                canvas.setLineWidth(0.6)
                canvas.line(op.x, op.y, op.x2, op.y)
            elif op.kind == "vline":
                canvas.setLineWidth(0.4)
                canvas.line(op.x, op.y, op.x, op.x2)
            else:
                canvas.setFont(op.font, op.size)
                draw = canvas.drawRightString if op.kind == "right" else canvas.drawString
                draw(op.x, op.y, op.text)
        if doc.footer:
            canvas.setFont(_RL_REGULAR, 8)
            canvas.drawCentredString(
                page_w / 2, _MARGIN / 2, f"{doc.footer} {_DASH} Page {page + 1} of {pages}"
            )
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


# --------------------------------------------------------------------------------------------
# PDF from HTML with xhtml2pdf
# --------------------------------------------------------------------------------------------


def _css(doc: Doc) -> str:
    paths = font_paths()
    page = "letter" if doc.layout.get("page") == "letter" else "a4"
    footer_frame = (
        "@frame footer { -pdf-frame-content: footer; bottom: 0.8cm; margin-left: 1.8cm;"
        " margin-right: 1.8cm; height: 0.8cm; }"
        if doc.footer
        else ""
    )
    return f"""
@font-face {{ font-family: CorpusSans; src: url("{paths["regular"]}"); }}
@font-face {{ font-family: CorpusSans; src: url("{paths["bold"]}"); font-weight: bold; }}
@font-face {{ font-family: CorpusSans; src: url("{paths["italic"]}"); font-style: italic; }}
@page {{ size: {page}; margin: 1.8cm; {footer_frame} }}
body {{ font-family: CorpusSans; font-size: 10pt; line-height: 1.25; }}
h1 {{ font-size: 20pt; margin: 0 0 2pt 0; }}
h2 {{ font-size: 12pt; margin: 9pt 0 3pt 0; border-bottom: 0.6pt solid #444; }}
p {{ margin: 0 0 1pt 0; }}
ul {{ margin: 0 0 0 14pt; }}
li {{ margin: 0; }}
td {{ vertical-align: top; padding: 0; }}
.headline {{ font-size: 11.5pt; }}
.contact {{ font-size: 9.5pt; }}
.entry {{ font-weight: bold; margin-top: 4pt; }}
.sub {{ font-style: italic; }}
.right {{ text-align: right; }}
.gap {{ font-size: 4pt; }}
.indent {{ margin-left: {_GUTTER_PT}pt; }}
.footer {{ font-size: 8pt; text-align: center; }}
"""


def _html_lines(lines: list[Line]) -> str:
    out: list[str] = []
    open_list = False
    for line in lines:
        text = html.escape(line.text)
        native_bullet = line.kind == "bullet" and line.mark == "\u2022" and not line.indent
        if open_list and not native_bullet:
            out.append("</ul>")
            open_list = False
        indent = " indent" if line.indent else ""
        match line.kind:
            case "name":
                out.append(f"<h1>{text}</h1>")
            case "heading":
                out.append(f"<h2>{text}</h2>")
            case "gap":
                out.append('<p class="gap">&nbsp;</p>')
            case "bullet" if native_bullet:
                if not open_list:
                    out.append("<ul>")
                    open_list = True
                out.append(f"<li>{text}</li>")
            case "bullet":
                out.append(f'<p class="bullet{indent}">{html.escape(line.mark)} {text}</p>')
            case _ if line.right or line.gutter:
                css = "entry" if line.kind == "entry" else line.kind
                if line.gutter:
                    rows = _gutter_rows(line.gutter, _PDF_STYLES["body"])
                    gutter = "<br/>".join(html.escape(row) for row in rows)
                    cells = f'<td width="{_GUTTER_PT}pt">{gutter}</td><td class="{css}">{text}</td>'
                else:
                    cells = (
                        f'<td class="{css}">{text}</td>'
                        f'<td class="{css} right" width="37%">{html.escape(line.right)}</td>'
                    )
                out.append(f'<table class="{css}"><tr>{cells}</tr></table>')
            case _:
                out.append(f'<p class="{line.kind}{indent}">{text}</p>')
    if open_list:
        out.append("</ul>")
    return "\n".join(out)


def render_html(entry: Entry) -> str:
    doc = build(entry)
    parts = [
        f'<html><head><meta charset="utf-8"/><style>{_css(doc)}</style></head><body>',
    ]
    if doc.footer:
        parts.append(f'<div id="footer" class="footer">{html.escape(doc.footer)}</div>')
    parts.append(_html_lines(doc.header))
    if doc.sidebar:
        parts.append(
            '<table class="columns"><tr>'
            f'<td width="31%" style="padding-right: 14pt;">{_html_lines(doc.sidebar)}</td>'
            f'<td width="69%">{_html_lines(doc.main)}</td>'
            "</tr></table>"
        )
    else:
        parts.append(_html_lines(doc.main))
    parts.append("</body></html>")
    return "\n".join(parts)


@contextmanager
def _invariant_reportlab() -> Iterator[None]:
    """Make reportlab omit creation dates and random IDs while xhtml2pdf drives it."""
    from reportlab import rl_config

    saved = rl_config.invariant
    rl_config.invariant = 1
    try:
        yield
    finally:
        rl_config.invariant = saved


def render_pdf_xhtml2pdf(entry: Entry) -> bytes:
    from xhtml2pdf import pisa
    from xhtml2pdf.config.resources import ResourceAccessPolicy

    source = render_html(entry)
    buffer = io.BytesIO()
    # Local reads are confined to the working directory unless a policy says otherwise; the
    # fonts live in a system folder, and nothing else is fetched.
    fonts = font_paths()["regular"].parent
    policy = ResourceAccessPolicy(allow_remote=False, base_dir=fonts)
    with _invariant_reportlab():
        status = pisa.CreatePDF(source, dest=buffer, encoding="utf-8", resource_policy=policy)
    if status.err:
        raise RuntimeError(f"xhtml2pdf failed on {entry.slug}: {status.err} error(s)")
    return buffer.getvalue()


# --------------------------------------------------------------------------------------------
# DOCX with python-docx
# --------------------------------------------------------------------------------------------


def _docx_lines(container: Any, lines: list[Line], doc: Doc, width_in: float) -> None:
    from docx.enum.text import WD_TAB_ALIGNMENT
    from docx.shared import Inches, Pt

    literal = doc.layout.get("docx_bullets", "style") == "literal"
    for line in lines:
        if line.kind == "gap":
            continue
        if line.kind == "name":
            container.add_paragraph(line.text, style="Title")
            continue
        if line.kind == "heading":
            container.add_paragraph(line.text, style="Heading 1")
            continue
        if line.kind == "bullet" and not literal:
            paragraph = container.add_paragraph(line.text, style="List Bullet")
        elif line.kind == "bullet":
            paragraph = container.add_paragraph(f"{line.mark} {line.text}")
        else:
            paragraph = container.add_paragraph()
            if line.gutter:
                paragraph.paragraph_format.tab_stops.add_tab_stop(Pt(_GUTTER_PT))
                paragraph.add_run(line.gutter + "\t")
            run = paragraph.add_run(line.text)
            run.bold = line.kind in {"entry", "name"}
            run.italic = line.kind == "sub"
            if line.kind == "headline":
                run.font.size = Pt(12)
            if line.right:
                stops = paragraph.paragraph_format.tab_stops
                stops.add_tab_stop(Inches(width_in), WD_TAB_ALIGNMENT.RIGHT)
                paragraph.add_run("\t" + line.right).bold = line.kind == "entry"
        if line.indent:
            paragraph.paragraph_format.left_indent = Pt(_GUTTER_PT)
        paragraph.paragraph_format.space_after = Pt(2)


def _fixed_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed timestamps so that the same entry always gives the same bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2024, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


def render_docx(entry: Entry) -> bytes:
    import datetime

    from docx import Document
    from docx.shared import Inches, Mm

    doc = build(entry)
    document = Document()
    section = document.sections[0]
    page_width = Inches(8.5) if doc.layout.get("page") == "letter" else Mm(210)
    section.page_width = page_width
    section.page_height = Inches(11) if doc.layout.get("page") == "letter" else Mm(297)
    margin = Inches(0.8)
    section.left_margin = section.right_margin = margin
    section.top_margin = section.bottom_margin = Inches(0.7)
    width_in = (page_width - 2 * margin) / Inches(1)
    stamp = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    props = document.core_properties
    props.author = props.last_modified_by = doc.name
    props.title = f"{doc.name} {_DASH} Resume"
    props.created = props.modified = stamp
    props.revision = 1
    if doc.footer:
        section.footer.paragraphs[0].text = doc.footer

    _docx_lines(document, doc.header, doc, width_in)
    if doc.sidebar:
        table = document.add_table(rows=1, cols=2)
        table.autofit = False
        side_w, main_w = 2.1, width_in - 2.1
        left, right = table.rows[0].cells
        left.width, right.width = Inches(side_w), Inches(main_w)
        _docx_lines(left, doc.sidebar, doc, side_w - 0.1)
        _docx_lines(right, doc.main, doc, main_w - 0.1)
        for cell in (left, right):  # drop the empty paragraph every new cell starts with
            first = cell.paragraphs[0]._element
            first.getparent().remove(first)
    else:
        _docx_lines(document, doc.main, doc, width_in)
    buffer = io.BytesIO()
    document.save(buffer)
    return _fixed_zip(buffer.getvalue())


# --------------------------------------------------------------------------------------------
# Entry points
# --------------------------------------------------------------------------------------------

_RENDERERS: dict[str, Callable[[Entry], bytes]] = {
    "txt": lambda entry: render_text(entry).encode("utf-8"),
    "pdf-reportlab": render_pdf_reportlab,
    "pdf-xhtml2pdf": render_pdf_xhtml2pdf,
    "docx": render_docx,
}


def render(entry: Entry, fmt: str) -> bytes:
    """The bytes a user would upload for this entry in this format."""
    try:
        renderer = _RENDERERS[fmt]
    except KeyError:
        raise ValueError(f"unknown format {fmt!r}; expected one of {FORMATS}") from None
    return renderer(entry)


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: python -m tests.corpus.render OUTDIR [SLUG ...]", file=sys.stderr)
        return 2
    out = Path(argv[0])
    out.mkdir(parents=True, exist_ok=True)
    wanted = argv[1:]
    for entry in load_corpus():
        if wanted and not any(w in entry.slug for w in wanted):
            continue
        for fmt in FORMATS:
            path = out / f"{entry.slug}.{fmt}.{EXTENSIONS[fmt]}"
            path.write_bytes(render(entry, fmt))
            print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
