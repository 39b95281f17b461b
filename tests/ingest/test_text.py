"""The Markdown / plain-text loader: one document per file, chunks cut where a reader cites."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from assistant.ingest import text
from assistant.ingest.base import LoadResult

FIXTURES = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "ingest_text"
PRIMER = FIXTURES / "domain_primer.md"
ORDER = FIXTURES / "gacc_order_272_excerpt.txt"
CN_ARTICLES = [
    "第一条",
    "第二条",
    "第三条",
    "第四条",
    "第五条",
    "第六条",
    "第七条",
    "第八条",
    "第九条",
    "第十条",
    "第十一条",
    "第十二条",
    "第十三条",
    "第十四条",
]


def only_error(result: LoadResult) -> str:
    assert result.records == [] and result.chunks == []
    (issue,) = result.issues
    assert issue.severity == "error"
    return issue.message


def test_markdown_is_cut_at_its_headings() -> None:
    result = text.load(PRIMER)
    assert result.issues == []
    (rec,) = result.records
    title = "Domain primer: technical barriers to trade (TBT/SPS) and market access"
    assert rec.ref == rec.title == title
    assert rec.type == "document" and rec.language == "en"
    # the SOURCE.txt next to the file names where it comes from and its licence
    assert rec.source.startswith("Markdown file domain_primer.md; Fixtures for tests/ingest")
    assert rec.licence.startswith("domain_primer.md Apache-2.0")
    places = list(dict.fromkeys(c.place for c in result.chunks))
    assert places == [
        None,
        "1. What the measures are",
        "2. WTO notifications",
        "3. What China does with them",
        "4. Barrier-report intake forms",
        "5. Real cases in the seeds (facts usable in the corpus)",
        "6. Who asks what",
    ]
    section_2 = [c for c in result.chunks if c.place == "2. WTO notifications"]
    assert section_2[0].cite == f"{title}, 2. WTO notifications"
    assert "Symbol grammar" in section_2[0].text
    assert all(c.text.startswith("2. WTO notifications\n") for c in section_2[1:])
    assert all(len(c.text) <= text.CHUNK_LIMIT + 80 for c in result.chunks)
    ids = [c.id for c in result.chunks]
    assert len(set(ids)) == len(ids)


def test_chinese_text_is_cut_at_its_articles(tmp_path: Path) -> None:
    result = text.load(ORDER)  # copied from a web page: the articles run on without line breaks
    (rec,) = result.records
    assert rec.language == "zh" and rec.ref == "gacc order 272 excerpt"
    articles = [c.place for c in result.chunks if c.place]
    assert articles == CN_ARTICLES
    first = next(c for c in result.chunks if c.place == "第一条")
    assert first.text.startswith("第一章 总")
    assert "第一条 为了保证国家税收政策的贯彻实施" in first.text
    assert first.cite == "gacc order 272 excerpt, 第一条"


def test_gb18030_text_with_one_article_per_line(tmp_path: Path) -> None:
    body = ORDER.read_text(encoding="utf-8")
    laid_out = re.sub(r"(第[一二三四五六七八九十]+[章节条])", r"\n\1", body)
    path = tmp_path / "order_272_gbk.txt"
    path.write_bytes(laid_out.encode("gb18030"))
    result = text.load(path)
    assert result.issues == []
    places = [c.place for c in result.chunks if c.place]
    assert places == CN_ARTICLES  # a chapter heading opens its first article, not a chunk
    seventh = next(c for c in result.chunks if c.place == "第七条")
    assert seventh.text.startswith("第二章 税款的计征\n第一节 纳税申报\n第七条")
    assert result.records[0].licence == "unknown — see source"


def test_plain_english_text_is_grouped_into_paragraph_chunks(tmp_path: Path) -> None:
    # the primer without its Markdown headings, as a .txt: blank-line paragraphs only
    body = "\n".join(
        ln for ln in PRIMER.read_text(encoding="utf-8").splitlines() if not ln.startswith("#")
    )
    path = tmp_path / "primer.txt"
    path.write_text("TBT primer (fixture)\n\n" + body, encoding="utf-8")
    result = text.load(path)
    (rec,) = result.records
    assert rec.ref == "TBT primer (fixture)"  # a short first line standing alone is the title
    assert {c.place for c in result.chunks} == {None}
    assert len(result.chunks) >= 5
    assert all(len(c.text) <= text.CHUNK_LIMIT for c in result.chunks)
    assert all(c.cite == rec.ref for c in result.chunks)
    joined = "\n".join(c.text for c in result.chunks)
    assert "Symbol grammar" in joined and "Who asks what" not in joined


def test_source_note_is_optional(tmp_path: Path) -> None:
    shutil.copy(PRIMER, tmp_path / "primer.md")
    (rec,) = text.load(tmp_path / "primer.md").records
    assert rec.source == "Markdown file primer.md"
    assert rec.licence == "unknown — see source"


def test_bad_files_give_issues(tmp_path: Path) -> None:
    empty = tmp_path / "empty.md"
    empty.write_text("   \n\n", encoding="utf-8")
    assert only_error(text.load(empty)) == "empty file: no text to index"
    front_only = tmp_path / "front.md"
    front_only.write_text("---\ntitle: fixture\n---\n", encoding="utf-8")
    assert only_error(text.load(front_only)) == "empty file: no text to index"
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert only_error(text.load(binary)) == "binary content: this is not a text file"
    undecodable = tmp_path / "latin.txt"
    undecodable.write_bytes(b"caf\xe9 \x80\xff fixture")
    assert "neither UTF-8 nor GB18030" in only_error(text.load(undecodable))
    missing = tmp_path / "missing.md"
    assert only_error(text.load(missing)).startswith("cannot read file")


def test_sniff() -> None:
    assert text.sniff(Path("notes.md"), b"# Title\n")
    assert text.sniff(Path("notes.txt"), "第一条".encode())
    assert not text.sniff(Path("SOURCE.txt"), b"Dataset: ...")
    assert not text.sniff(Path("table.csv"), b"a,b\n")
    assert not text.sniff(Path("blob.txt"), b"ab\x00cd")
