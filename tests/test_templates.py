"""The resume templates: what an ATS reads from each PDF, pages and paper, scripts, safety, looks.

Every check reads the rendered PDF back, with PDFium (what the thumbnails use) and pypdf (what
many parsers use), rather than trusting the HTML that went in.
"""

from __future__ import annotations

import calendar
import ctypes
import io
import json
import re
import struct
import unicodedata
from functools import cache

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from pypdf import PdfReader

from tests.corpus.matching.evaluate import load_matching_corpus
from tests.corpus.render import load_corpus
from tests.test_offline import corpus_profile
from worker.pipeline import export, validation
from worker.pipeline.errors import InvalidInput
from worker.pipeline.types import Profile

TEMPLATES = export.TEMPLATES
CORPUS: dict[str, Profile] = {
    **{entry.slug: corpus_profile(entry) for entry in load_corpus()},
    **load_matching_corpus().resumes,
}
A4 = (595.0, 842.0)
LETTER = (612.0, 792.0)


# --------------------------------------------------------------------------------------------
# Reading PDFs back
# --------------------------------------------------------------------------------------------


def _flat(text: str) -> str:
    """One line, NFC, single spaces: where a line wraps does not matter to a reader."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def page_texts(pdf: bytes) -> list[str]:
    document = pdfium.PdfDocument(pdf)
    try:
        return [_flat(page.get_textpage().get_text_range()) for page in document]
    finally:
        document.close()


def page_lines(pdf: bytes) -> list[list[str]]:
    """Each page's text as PDFium extracts it, line by line, in the order it is drawn."""
    document = pdfium.PdfDocument(pdf)
    try:
        return [page.get_textpage().get_text_range().splitlines() for page in document]
    finally:
        document.close()


def pypdf_text(pdf: bytes) -> str:
    return _flat(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))


def fonts_drawing(pdf: bytes, characters: str) -> dict[str, set[str]]:
    """For each of `characters` found on the pages, the names of the fonts it is drawn in."""
    wanted = set(characters) - {" "}
    found: dict[str, set[str]] = {}
    name = ctypes.create_string_buffer(256)
    flags = ctypes.c_int()
    document = pdfium.PdfDocument(pdf)
    try:
        for page in document:
            textpage = page.get_textpage()
            for index in range(textpage.count_chars()):
                char = chr(pdfium_c.FPDFText_GetUnicode(textpage.raw, index))
                if char in wanted:
                    pdfium_c.FPDFText_GetFontInfo(
                        textpage.raw, index, name, len(name), ctypes.byref(flags)
                    )
                    found.setdefault(char, set()).add(name.value.decode())
    finally:
        document.close()
    return found


def embedded_fonts(pdf: bytes) -> set[str]:
    """Base names of the fonts the pages use, without the subset prefix."""
    names = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]).lstrip("/").split("+")[-1])
    return names


def media_box(pdf: bytes) -> tuple[float, float]:
    box = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    return round(float(box.width)), round(float(box.height))


def month(value: str) -> str:
    """How the templates print a JSON Resume date: "Mar 2021", or "2016" for a bare year."""
    if re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", value):
        return f"{calendar.month_abbr[int(value[5:7])]} {value[:4]}"
    return value


@cache
def resume_pdf(slug: str, template: str) -> bytes:
    return export.render_resume(CORPUS[slug], template=template).content


def long_profile(shift: int = 0) -> Profile:
    """Eight jobs of long, numbered bullets: three pages or more in every template.

    `shift` lengthens the summary by that many sentences, which moves every page break.
    """
    profile = export.sample_profile()
    profile["basics"]["summary"] += " I write things down." * shift
    again = " Then did it again for the reporting database, with the same care."
    template_job = profile["work"][0]
    profile["work"] = [
        {
            **template_job,
            "name": f"Employer {n} GmbH",
            "position": f"Engineer Grade {n}",
            "highlights": [
                f"Bullet {n}.{b}: led the migration of a payments ledger to PostgreSQL with zero "
                f"downtime, wrote the runbooks and trained the on-call rota for the new system."
                + again
                * (b % 4)
                for b in range(1, 5 + n % 3)
            ],
        }
        for n in range(1, 9)
    ]
    return profile


# --------------------------------------------------------------------------------------------
# The catalogue
# --------------------------------------------------------------------------------------------


def test_four_templates_are_listed_each_with_a_description() -> None:
    assert TEMPLATES == ("classic", "modern", "compact", "technical")
    assert set(export.TEMPLATE_DESCRIPTIONS) == set(TEMPLATES)
    assert all(len(text) > 40 for text in export.TEMPLATE_DESCRIPTIONS.values())
    for template in TEMPLATES:
        assert (export.TEMPLATE_DIR / f"{template}.html").is_file()


@pytest.mark.parametrize("bad", [{"template": "fancy"}, {"paper": "a3"}])
def test_unknown_template_or_paper_is_refused(bad: dict[str, str]) -> None:
    with pytest.raises(InvalidInput):
        export.render_resume(export.sample_profile(), **bad)
    with pytest.raises(InvalidInput):
        export.render_resume_html(export.sample_profile(), **bad)


# --------------------------------------------------------------------------------------------
# What an ATS reads
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("template", TEMPLATES)
def test_pdf_text_holds_every_name_employer_title_and_date_of_each_corpus_resume(
    template: str,
) -> None:
    missing = []
    for slug, profile in CORPUS.items():
        text = " ".join(page_texts(resume_pdf(slug, template)))
        facts = [profile["basics"]["name"]]
        for job in profile.get("work") or []:
            facts += [job.get("name"), job.get("position"), month(job["startDate"])]
            facts.append(month(job["endDate"]) if job.get("endDate") else "Present")
        for school in profile.get("education") or []:
            facts.append(school.get("institution"))
            facts.append(month(school["endDate"]) if school.get("endDate") else None)
        for fact in filter(None, facts):
            if _flat(str(fact)) not in text:
                missing.append(f"{slug}: {fact!r}")
    assert not missing, missing


@pytest.mark.parametrize("template", TEMPLATES)
def test_every_template_passes_the_layout_checks_with_standard_headings(template: str) -> None:
    html = export.render_resume_html(export.sample_profile(), template=template)
    checks = {check.name: check.passed for check in validation.layout_checks(html)}
    assert checks == {"standard_headings": True, "no_tables_or_images": True}
    headings = [h.strip() for h in re.findall(r"<h2[^>]*>(.*?)</h2>", html)]
    assert sorted(headings) == sorted(
        ["Summary", "Experience", "Skills", "Education", "Projects", "Certifications", "Languages"]
    )


@pytest.mark.parametrize("template", TEMPLATES)
def test_sections_come_in_the_templates_order(template: str) -> None:
    pdf = export.render_resume(export.sample_profile(), template=template).content
    lines = [line.strip().lower() for line in page_lines(pdf)[0]]
    summary, skills, experience = (lines.index(h) for h in ("summary", "skills", "experience"))
    if template == "technical":
        assert summary < skills < experience  # the skills matrix first
    else:
        assert summary < experience < skills


def test_technical_prints_skills_as_category_lines() -> None:
    text = page_texts(export.render_resume(export.sample_profile(), template="technical").content)
    assert "Languages: Python, SQL, Go, Bash" in text[0]
    assert "Data & Storage: PostgreSQL, Redis, Amazon Redshift, dbt" in text[0]


@pytest.mark.parametrize("template", TEMPLATES)
def test_a_malformed_upload_still_renders_what_it_can(template: str) -> None:
    profile: Profile = {
        "basics": {"name": "Kim Park", "location": "Paris", "profiles": ["x"], "email": {}},
        "work": ["oops", None, {"position": "Developer", "name": "Acme", "highlights": "text"}],
        "skills": [{"name": "Tools", "keywords": "git, make"}],
        "education": None,
    }
    text = page_texts(export.render_resume(profile, template=template).content)[0]
    assert "Kim Park" in text and "Developer — Acme" in text and "Tools" in text


# --------------------------------------------------------------------------------------------
# Pages and paper
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("template", TEMPLATES)
def test_paper_sets_the_page_size_of_resume_and_letter(template: str) -> None:
    profile = export.sample_profile()
    for paper, size in (("a4", A4), ("letter", LETTER)):
        resume = export.render_resume(profile, template=template, paper=paper)
        letter = export.render_cover_letter(
            profile, ["Hello.", "Avery"], template=template, paper=paper
        )
        assert media_box(resume.content) == size
        assert media_box(letter.content) == size


@pytest.mark.parametrize("template", TEMPLATES)
def test_a_long_resume_is_numbered_and_keeps_the_contact_line_on_page_one(template: str) -> None:
    pages = page_texts(export.render_resume(long_profile(), template=template).content)
    assert len(pages) >= 3
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text
    email = "avery.quinn-muller@example.com"
    assert email in pages[0] and all(email not in text for text in pages[1:])
    # The name first, the contact line under it in the body, the page number last: an ATS that
    # takes the first line for the name must not read "Page 1 of 3".
    assert pages[0].startswith("Avery Quinn-Müller")
    assert pages[0].index(email) < pages[0].lower().index("summary")
    assert all(text.endswith(f"of {len(pages)}") for text in pages)


@pytest.mark.parametrize("template", TEMPLATES)
def test_a_one_page_resume_has_no_page_number(template: str) -> None:
    pdf = export.render_resume(export.sample_profile(), template=template).content
    assert export.page_count(pdf) == 1
    assert "Page 1" not in page_texts(pdf)[0]


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("shift", range(0, 40, 8))
def test_job_headings_stay_with_their_first_bullets_and_no_bullet_is_split(
    template: str, shift: int
) -> None:
    profile = long_profile(shift)
    pages = page_texts(export.render_resume(profile, template=template).content)
    for job in profile["work"]:
        bullets = [_flat(b) for b in job["highlights"]]
        homes = [[i for i, text in enumerate(pages) if b in text] for b in bullets]
        assert all(len(home) == 1 for home in homes), f"a bullet of {job['name']} is split"
        heading = next(i for i, text in enumerate(pages) if job["position"] in text)
        assert homes[0] == [heading] and homes[1] == [heading], job["name"]


# --------------------------------------------------------------------------------------------
# Scripts
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize(
    "name",
    [
        "José Müller-Łukasiewicz",
        "Zoë Ødegaard",
        "Nguyễn Thị Minh",
        "Ayşe Yılmaz",
        "Ольга Смирнова",
    ],
)
def test_names_beyond_latin_1_render_and_extract_with_accents(template: str, name: str) -> None:
    profile = export.sample_profile()
    profile["basics"]["name"] = name
    profile["work"][0]["name"] = f"{name} & Søn"
    for document in (
        export.render_resume(profile, template=template),
        export.render_cover_letter(profile, ["Hello.", name], template=template),
    ):
        assert name in page_texts(document.content)[0]
        assert name in pypdf_text(document.content)
        fonts = {font for used in fonts_drawing(document.content, name).values() for font in used}
        assert fonts and all(font.startswith("DejaVu") for font in fonts)


@pytest.mark.parametrize("template", TEMPLATES)
def test_arabic_and_hebrew_render_in_dejavu_sans_and_extract(template: str) -> None:
    arabic, hebrew = "فاطمة الزهراء الإدريسي", "בנק הפועלים"
    profile = export.sample_profile()
    profile["basics"]["name"] = arabic
    profile["work"][1]["name"] = hebrew
    profile["work"][1]["highlights"] = ["قادت إعادة تصميم واجهة البرمجة.", f"{hebrew} בתל אביב"]
    pdf = export.render_resume(profile, template=template).content
    text = page_texts(pdf)[0]
    # Right-to-left lines extract in reading order...
    assert arabic in text and f"{hebrew} בתל אביב" in text
    assert "قادت إعادة تصميم واجهة البرمجة" in text
    # ...a right-to-left run inside a left-to-right line word by word (visual word order).
    assert all(word in text for word in hebrew.split())
    fonts = fonts_drawing(pdf, arabic + hebrew)
    assert set(fonts) == set(arabic + hebrew) - {" "}
    # DejaVu Sans has these glyphs; DejaVu Serif, the classic body face, has none.
    assert all(font.startswith("DejaVuSans") for used in fonts.values() for font in used)


def word_span(pdf: bytes, word: str) -> tuple[float, float, float]:
    """Left and right edge of `word`'s first occurrence on page one, and the page's width."""
    document = pdfium.PdfDocument(pdf)
    try:
        page = document[0]
        textpage = page.get_textpage()
        found = textpage.search(word).get_next()
        assert found, word
        boxes = [textpage.get_charbox(i) for i in range(found[0], found[0] + found[1])]
        return min(b[0] for b in boxes), max(b[2] for b in boxes), page.get_width()
    finally:
        document.close()


@pytest.mark.parametrize("template", ["modern", "technical"])
def test_an_arabic_paragraph_is_laid_out_right_to_left(template: str) -> None:
    summary = "مهندسة برمجيات بخبرة تسع سنوات في تصميم الخدمات."
    profile = export.sample_profile()
    profile["basics"]["summary"] = summary
    html = export.render_resume_html(profile, template=template)
    assert f'<p class="summary" dir="rtl">{summary}</p>' in html
    assert '<p class="label">Senior Backend' in html  # left-to-right text keeps its direction
    assert '<html lang="en">' in html  # and so does the document: most of it is English
    pdf = export.render_resume(profile, template=template).content
    margin = 2 * 28.35  # every template's side margins are under 2 cm
    left, right, width = word_span(pdf, summary.split()[0])
    assert right > width - margin and left > width / 2  # its first word ends the line on the right
    left, right, width = word_span(pdf, "Backend")  # the label's second word, left to right
    assert left < width / 4


def test_a_mostly_arabic_resume_is_right_to_left_as_a_whole() -> None:
    profile: Profile = {
        "basics": {"name": "فاطمة الزهراء", "summary": "مهندسة برمجيات بخبرة تسع سنوات."},
        "work": [{"name": "أرامكو", "position": "مهندسة", "highlights": ["قادت فريقاً."]}],
    }
    assert '<html lang="ar" dir="rtl">' in export.render_resume_html(profile, language="ar")


@pytest.mark.parametrize("template", TEMPLATES)
def test_chinese_japanese_and_korean_render_in_the_bundled_cjk_font(template: str) -> None:
    chinese, japanese, korean = "李明", "渡辺健二 ソフトウェア", "김민준 개발자"
    profile = export.sample_profile()
    profile["basics"]["name"] = chinese
    profile["work"][0]["highlights"] = [japanese, korean]
    profile["basics"]["summary"] = "拥有九年经验的后端工程师，专注于可靠的服务和数据管道。" * 4
    pdf = export.render_resume(profile, template=template).content
    text = page_texts(pdf)[0]
    assert chinese in text and japanese in text and korean in text
    assert "拥有九年经验的后端工程师" in text.replace(" ", "")
    fonts = fonts_drawing(pdf, chinese + japanese + korean)
    assert set(fonts) == set(chinese + japanese + korean) - {" "}
    assert all(used == {"DroidSansFallback"} for used in fonts.values())


def test_the_cjk_font_is_only_embedded_when_needed() -> None:
    pdf = export.render_resume(export.sample_profile()).content
    assert "DroidSansFallback" not in embedded_fonts(pdf)
    assert {"DejaVuSerif", "DejaVuSerif-Bold"} <= embedded_fonts(pdf)


# --------------------------------------------------------------------------------------------
# Safety
# --------------------------------------------------------------------------------------------

HOSTILE = {
    "name": "Eve <b>Bold</b>",
    "summary": "</div><script>alert(1)</script>",
    "bullet": '<img src="http://169.254.169.254/latest/meta-data">',
    "skill": "</p><h2>Hobbies</h2>",
}


def hostile_profile() -> Profile:
    profile = export.sample_profile()
    profile["basics"]["name"] = HOSTILE["name"]
    profile["basics"]["summary"] = HOSTILE["summary"]
    profile["work"][0]["highlights"].append(HOSTILE["bullet"])
    profile["skills"][0]["keywords"].append(HOSTILE["skill"])
    return profile


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("standalone", [False, True])
def test_markup_in_a_resume_stays_text_in_every_template(template: str, standalone: bool) -> None:
    profile = hostile_profile()
    html = export.render_resume_html(profile, template=template, standalone=standalone)
    letter = export.cover_letter_html(
        profile, [HOSTILE["summary"], HOSTILE["bullet"]], template=template, standalone=standalone
    )
    for page in (html, letter):
        assert "<script" not in page and "<img" not in page and "<b>Bold" not in page
        assert "&lt;script&gt;" in page and "&lt;img src=" in page
    assert "<h2>Hobbies" not in html
    assert all(c.passed for c in validation.layout_checks(html))


@pytest.mark.parametrize("template", TEMPLATES)
def test_markup_in_a_resume_prints_literally_in_the_pdf(template: str) -> None:
    profile = hostile_profile()
    text = " ".join(page_texts(export.render_resume(profile, template=template).content))
    assert all(_flat(value) in text for value in HOSTILE.values())
    letter = export.render_cover_letter(profile, [HOSTILE["bullet"]], template=template)
    assert _flat(HOSTILE["bullet"]) in page_texts(letter.content)[0]


# --------------------------------------------------------------------------------------------
# The cover letter and the browser download
# --------------------------------------------------------------------------------------------

BODY_FONTS = {
    "classic": "DejaVuSerif",
    "modern": "DejaVuSans",
    "compact": "DejaVuSansCondensed",
    "technical": "DejaVuSans",
}


@pytest.mark.parametrize("template", TEMPLATES)
def test_cover_letter_prints_its_paragraphs_in_the_templates_look(template: str) -> None:
    paragraphs = ["Dear Hiring Team,", "I build observable systems.", "Kind regards,", "Zoë"]
    profile = export.sample_profile()
    letter = export.render_cover_letter(profile, paragraphs, company="Acme", template=template)
    assert letter.filename == "Avery-Quinn-Müller-Acme-cover-letter.pdf"
    text = page_texts(letter.content)[0]
    positions = [text.index(paragraph) for paragraph in paragraphs]
    assert positions == sorted(positions)
    assert text.index("avery.quinn-muller@example.com") < positions[0]
    assert BODY_FONTS[template] in embedded_fonts(letter.content)
    html = export.cover_letter_html(profile, paragraphs, template=template)
    assert export.LOOKS[template].accent in html


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("paper", export.PAPERS)
def test_standalone_html_is_for_browsers(template: str, paper: str) -> None:
    profile = export.sample_profile()
    pages = [
        export.render_resume_html(profile, template=template, paper=paper, standalone=True),
        export.cover_letter_html(
            profile, ["Hello.", "Avery"], template=template, paper=paper, standalone=True
        ),
    ]
    for html in pages:
        assert "@media print" in html and f"size: {paper};" in html
        assert re.search(r'font-family: "DejaVu (Serif|Sans|Sans Condensed)", ', html)
        assert "file:" not in html and "url(" not in html and str(export.FONT_DIR) not in html
        assert "<pdf:" not in html and "-pdf-" not in html and "@frame" not in html
        assert "avery.quinn-muller@example.com" in html


# --------------------------------------------------------------------------------------------
# Thumbnails
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("template", TEMPLATES)
def test_thumbnail_is_a_png_of_the_first_page(template: str) -> None:
    png = export.thumbnail(template)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", png[16:24])
    assert width == export.THUMBNAIL_WIDTH
    assert height == round(export.THUMBNAIL_WIDTH * A4[1] / A4[0])
    assert export.thumbnail(template) is png  # drawn once per process


def test_thumbnails_differ_between_templates() -> None:
    assert len({export.thumbnail(template) for template in TEMPLATES}) == len(TEMPLATES)


def test_sample_profile_ships_with_the_package_and_matches_the_repo_sample() -> None:
    repo_sample = export.TEMPLATE_DIR.parents[2] / "samples" / "resume.json"
    assert export.sample_profile() == json.loads(repo_sample.read_text("utf-8"))
