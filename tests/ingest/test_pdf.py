"""The PDF loader: the shipped MDR comes out as its articles and annexes; bad PDFs give issues."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections import Counter
from pathlib import Path

import pypdf
import pytest

from assistant.ingest import pdf
from assistant.ingest.base import LoadResult

ROOT = Path(__file__).resolve().parents[2]
MDR = ROOT / "corpus" / "documents" / "MDR.pdf"
TEXT_FIXTURES = ROOT / "tests" / "fixtures" / "ingest_text"
CJK_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
ROMAN = [
    "I",
    "II",
    "III",
    "IV",
    "V",
    "VI",
    "VII",
    "VIII",
    "IX",
    "X",
    "XI",
    "XII",
    "XIII",
    "XIV",
    "XV",
    "XVI",
    "XVII",
]


@pytest.fixture(scope="module")
def mdr() -> LoadResult:
    return pdf.load(MDR)


def chunks_at(result: LoadResult, place: str) -> list:
    return [c for c in result.chunks if c.place == place]


# --- the MDR ---------------------------------------------------------------------------------------


def test_mdr_record_is_the_regulation(mdr: LoadResult) -> None:
    assert [i for i in mdr.issues if i.severity == "error"] == []
    (rec,) = mdr.records
    assert rec.ref == "Regulation (EU) 2017/745"
    assert rec.title.startswith(
        "Regulation (EU) 2017/745 of the European Parliament and of the Council of 5 April 2017 "
        "on medical devices"
    )
    assert "repealing Council Directives 90/385/EEC and 93/42/EEC" in rec.title
    assert rec.type == "document" and rec.markets == ["EU"] and rec.language == "en"
    assert rec.dates.adopted == dt.date(2017, 4, 5)  # "of 5 April 2017"
    assert rec.dates.published == dt.date(2017, 5, 5)  # OJ L 117, 5.5.2017
    assert rec.source.startswith("PDF file MDR.pdf; Document: Regulation (EU) 2017/745")
    assert "2011/833/EU" in rec.licence  # the Reuse: line of corpus/documents/SOURCE.txt


def test_mdr_has_its_123_articles_and_17_annexes(mdr: LoadResult) -> None:
    places = list(dict.fromkeys(c.place or "" for c in mdr.chunks))
    articles = [p for p in places if p.startswith("Article ")]
    annexes = [p for p in places if p.startswith("Annex ")]
    assert articles == [f"Article {n}" for n in range(1, 124)]
    assert annexes == [f"Annex {r}" for r in ROMAN]
    assert set(places) - set(articles) - set(annexes) <= {"Preamble", "Recitals", "Annexes"}


def test_mdr_pages_are_where_the_text_is(mdr: LoadResult) -> None:
    first_page = {
        p: chunks_at(mdr, p)[0].page
        for p in ("Article 1", "Article 52", "Annex I", "Annex VIII", "Annex XVII")
    }
    assert first_page == {
        "Article 1": 13,
        "Article 52": 50,
        "Annex I": 94,
        "Annex VIII": 140,
        "Annex XVII": 174,
    }
    pages = [c.page for c in mdr.chunks if c.place and c.place.startswith("Article ")]
    assert all(p is not None and 1 <= p <= 175 for p in pages)


def test_article_52_is_about_conformity_assessment_procedures(mdr: LoadResult) -> None:
    parts = chunks_at(mdr, "Article 52")
    first = parts[0]
    assert first.cite == "Regulation (EU) 2017/745, Article 52"
    # the section heading it opens comes first, then the article's own heading and title
    assert first.text.startswith(
        "SECTION 2\nConformity assessment\nArticle 52\nConformity assessment procedures\n"
    )
    assert (
        "1. Prior to placing a device on the market, manufacturers shall undertake an assessment "
        "of the conformity of that device" in first.text
    )
    # a long article is several chunks with the same place, each of a readable size
    assert len(parts) > 1
    assert len({c.id for c in parts}) == len(parts)
    assert all(
        c.text.startswith("Article 52 — Conformity assessment procedures (continued)")
        for c in parts[1:]
    )
    whole = "\n".join(c.text for c in parts)
    assert "Manufacturers of class III devices" in whole
    assert "Manufacturers of class I devices" in whole


def test_chapter_heading_opens_its_first_article(mdr: LoadResult) -> None:
    text = chunks_at(mdr, "Article 51")[0].text
    assert text.startswith("CHAPTER V\nCLASSIFICATION AND CONFORMITY ASSESSMENT\nSECTION 1\n")
    assert "Article 51\nClassification of devices" in text


def test_no_running_headers_or_broken_words_left(mdr: LoadResult) -> None:
    for c in mdr.chunks:
        assert "L 117/" not in c.text, c.cite
        assert not re.search(r"\w-\n\w", c.text), c.cite
        assert "\xad" not in c.text, c.cite
    whole = "\n".join(c.text for c in mdr.chunks)
    # words the OJ hyphenated at line ends come back whole; real compounds keep their hyphen
    assert "technical documentation" in whole and "documen tation" not in whole
    assert "post-market surveillance" in whole


def test_footnotes_follow_their_text(mdr: LoadResult) -> None:
    article_1 = "\n".join(c.text for c in chunks_at(mdr, "Article 1"))
    assert "Notes:" in article_1
    assert (
        "Regulation (EC) No 726/2004 of the European Parliament and of the Council of 31 March 2004"
        in article_1
    )


def test_mdr_chunks_are_sized_and_identified(mdr: LoadResult) -> None:
    sizes = [len(c.text) for c in mdr.chunks]
    assert max(sizes) <= pdf.CHUNK_LIMIT + 100
    ids = [c.id for c in mdr.chunks]
    assert len(set(ids)) == len(ids)
    seqs = Counter(c.place for c in mdr.chunks)
    assert seqs["Recitals"] > 1
    assert all(
        c.lang == "en" and c.markets == ["EU"] and c.ref == "Regulation (EU) 2017/745"
        for c in mdr.chunks
    )
    assert all(c.date == dt.date(2017, 5, 5) for c in mdr.chunks)


def test_loading_twice_gives_the_same_chunks(mdr: LoadResult) -> None:
    again = pdf.load(MDR)
    assert [(c.id, c.text) for c in again.chunks] == [(c.id, c.text) for c in mdr.chunks]


# --- bad inputs ----------------------------------------------------------------------------------------


def only_error(result: LoadResult) -> str:
    assert result.records == [] and result.chunks == []
    (issue,) = [i for i in result.issues if i.severity == "error"]
    return issue.message


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.pdf"
    path.write_bytes(b"")
    assert pdf.sniff(path, b"")
    assert only_error(pdf.load(path)) == "not a valid PDF: the file is empty"


def test_text_file_renamed_pdf(tmp_path: Path) -> None:
    path = tmp_path / "notes.pdf"
    path.write_text("fixture: plain text saved with a .pdf name\n", encoding="utf-8")
    assert pdf.sniff(path, path.read_bytes())
    assert only_error(pdf.load(path)).startswith("not a valid PDF: no %PDF header")


def test_truncated_copy_of_the_mdr(tmp_path: Path) -> None:
    data = MDR.read_bytes()
    path = tmp_path / "MDR_truncated.pdf"
    path.write_bytes(data[: len(data) // 2])
    assert "truncated" in only_error(pdf.load(path))


def test_encrypted_pdf_needs_a_password(tmp_path: Path) -> None:
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt("fixture-secret")
    path = tmp_path / "locked.pdf"
    writer.write(path)
    assert only_error(pdf.load(path)) == "encrypted PDF: a password is needed to read it"


def test_encrypted_with_empty_user_password_still_loads(tmp_path: Path) -> None:
    reader = pypdf.PdfReader(MDR)
    writer = pypdf.PdfWriter()
    for page in reader.pages[:2]:
        writer.add_page(page)
    writer.encrypt(user_password="", owner_password="fixture-owner")
    path = tmp_path / "mdr_first_pages.pdf"
    writer.write(path)
    result = pdf.load(path)
    assert [r.ref for r in result.records] == ["Regulation (EU) 2017/745"]
    assert result.chunks


def test_blank_page_only(tmp_path: Path) -> None:
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=595, height=842)
    path = tmp_path / "scan.pdf"
    writer.write(path)
    assert only_error(pdf.load(path)).startswith("no usable text layer (scanned?)")


def test_pdf_without_pages(tmp_path: Path) -> None:
    path = tmp_path / "zero.pdf"
    pypdf.PdfWriter().write(path)
    assert only_error(pdf.load(path)) == "not a valid PDF: it has no pages"


def test_garbage_after_a_pdf_header(tmp_path: Path) -> None:
    path = tmp_path / "garbage.pdf"
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF\n")
    assert only_error(pdf.load(path)).startswith("not a valid PDF")


def test_sniff_takes_pdfs_only() -> None:
    assert pdf.sniff(Path("x.bin"), b"%PDF-1.4\n...")
    assert not pdf.sniff(Path("notes.txt"), b"hello")


# --- other documents ----------------------------------------------------------------------------------


def make_pdf(pages: list[list[str]], footer: str | None = None, font: Path | None = None) -> bytes:
    from fpdf import FPDF

    doc = FPDF()
    if font:
        doc.add_font("cjk", fname=str(font))
        doc.set_font("cjk", size=11)
    else:
        doc.set_font("Helvetica", size=11)
    for n, paras in enumerate(pages, start=1):
        doc.add_page()
        for para in paras:
            doc.multi_cell(0, 6, para, new_x="LMARGIN", new_y="NEXT")
            doc.ln(2)
        if footer:
            doc.set_y(-20)
            doc.cell(0, 6, f"{footer} {n}")
    out = io.BytesIO()
    doc.output(out)
    return out.getvalue()


def test_document_without_structure_is_cited_by_page(tmp_path: Path) -> None:
    text = (TEXT_FIXTURES / "domain_primer.md").read_text(encoding="utf-8")
    paras = [p.strip() for p in text.split("\n\n") if p.strip() and p.isascii()][:24]
    pages = [paras[0:8], paras[8:16], paras[16:24]]
    path = tmp_path / "fixture_domain_primer.pdf"
    path.write_bytes(make_pdf(pages, footer="fixture running footer - page"))
    result = pdf.load(path)
    (rec,) = result.records
    assert rec.ref == "fixture domain primer" and rec.markets == [] and rec.language == "en"
    assert rec.licence == "unknown — see source"
    assert {c.place for c in result.chunks} <= {"page 1", "page 2", "page 3"}
    assert all(c.cite == f"fixture domain primer, {c.place}" for c in result.chunks)
    assert not any("fixture running footer" in c.text for c in result.chunks)
    assert "Symbol grammar" in "\n".join(c.text for c in result.chunks)


@pytest.mark.skipif(not CJK_FONT.exists(), reason="CJK font fonts-wqy-microhei not installed")
def test_chinese_regulation_is_cut_at_its_articles(tmp_path: Path) -> None:
    text = (TEXT_FIXTURES / "gacc_order_272_excerpt.txt").read_text(encoding="utf-8")
    # print it as a book would: each chapter, section and article on a new line
    lines = re.sub(r"(第[一二三四五六七八九十]+[章节条])", r"\n\1", text).split("\n")
    path = tmp_path / "fixture_order_272.pdf"
    path.write_bytes(make_pdf([lines[:12], lines[12:]], font=CJK_FONT))
    result = pdf.load(path)
    (rec,) = result.records
    assert rec.language == "zh"
    places = [c.place for c in result.chunks]
    articles = [p for p in places if p != "Preamble"]
    assert articles == [
        f"第{n}条"
        for n in [
            "一",
            "二",
            "三",
            "四",
            "五",
            "六",
            "七",
            "八",
            "九",
            "十",
            "十一",
            "十二",
            "十三",
            "十四",
        ]
    ]
    by_place = {c.place: c for c in result.chunks}
    assert by_place["第七条"].text.startswith("第二章 税款的计征\n第一节 纳税申报\n第七条 ")
    assert by_place["第十二条"].page == 2
    assert by_place["第三条"].cite == "fixture order 272, 第三条"


# --- a PDF the corpus has never seen, with an older scan's glued text layer ----------------------

GLUED = ROOT / "tests" / "fixtures" / "answer" / "fixture_oj_2019_1020_glued.txt"


@pytest.fixture(scope="module")
def glued_scan(tmp_path_factory: pytest.TempPathFactory) -> LoadResult:
    """Regulation (EU) 2019/1020 as an older OJ scan's text layer would give it (fixture text:
    words glued as in "OfficialJournal ofthe", "ANNEXII", "Article5"), printed to a PDF."""
    pages = [p.strip("\n").split("\n") for p in GLUED.read_text(encoding="utf-8").split("\\f")]
    path = tmp_path_factory.mktemp("glued") / "scan_0042.pdf"
    path.write_bytes(make_pdf(pages))
    return pdf.load(path)


def test_unseen_pdf_takes_its_identity_from_its_first_page(glued_scan: LoadResult) -> None:
    (rec,) = glued_scan.records
    assert rec.ref == "Regulation (EU) 2019/1020"  # not the file name "scan_0042"
    assert rec.title.startswith(
        "Regulation (EU) 2019/1020 of the European Parliament and of the Council of 20 June 2019 "
        "on market surveillance and compliance of products"
    )
    assert rec.dates.adopted == dt.date(2019, 6, 20)
    assert rec.dates.published == dt.date(2019, 6, 25)  # from "OfficialJournal ofthe EuropeanUnion"
    assert rec.markets == ["EU"]


def test_glued_articles_and_annexes_are_cited_as_such(glued_scan: LoadResult) -> None:
    places = list(dict.fromkeys(c.place for c in glued_scan.chunks))
    assert [p for p in places if p and p.startswith("Article")] == [f"Article {n}" for n in (1, 2, 3, 4)]
    assert [p for p in places if p and p.startswith("Annex")] == ["Annex I", "Annex II"]
    art4 = chunks_at(glued_scan, "Article 4")[0]
    assert art4.cite == "Regulation (EU) 2019/1020, Article 4"
    assert art4.page == 3
    assert "Tasks of economic operators regarding products subject to certain Union" in art4.text
    assert "placed on the market only if there is an economic operator established in the Union" in art4.text
    text = "\n".join(c.text for c in glued_scan.chunks)
    assert "Official Journal" not in text  # the running header went, once re-spaced
    for glued in ("ofthe", "tothe", "onthe", "OfficialJournal", "ANNEXII", "Article4"):
        assert glued not in text
    assert "LIST OF UNION HARMONISATION LEGISLATION" in text  # a word of its own is not cut up


def test_a_clean_text_layer_is_left_as_it_is() -> None:
    pages = ["Article 5\nThe manufacturer shall keep the technical documentation within the Union, "
             "therein and thereto, for ten years. EN71 and IEC62115 apply.\n"] * 3
    assert pdf._respace(pages) is pages


def test_glued_words_are_split_into_the_words_they_are_made_of() -> None:
    assert pdf._respace_token("OfficialJournal") == "Official Journal"
    assert pdf._respace_token("ANNEXII") == "ANNEX II"
    assert pdf._respace_token("Article18") == "Article 18"
    assert pdf._respace_token("ofthe") == "of the"
    assert pdf._respace_token("withinthe") == "within the"
    for word in ("another", "therein", "hereinafter", "Eudamed"):  # words of their own
        assert pdf._respace_token(word) == word


def test_mdr_article_18_is_the_implant_card_provision(mdr: LoadResult) -> None:
    (chunk,) = chunks_at(mdr, "Article 18")
    assert chunk.cite == "Regulation (EU) 2017/745, Article 18"
    assert chunk.text.startswith("Article 18\nImplant card and information to be supplied to the patient")
