"""Answer text -> HTML: everything escaped, then [n] links, lists and bold."""

from __future__ import annotations

from assistant.api.render import answer_html, record_href


def test_markup_in_text_is_escaped() -> None:
    html = answer_html("<script>alert(1)</script> & <b>x</b>", [])
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;x&lt;/b&gt;" in html


def test_citation_markers_link_to_their_sources() -> None:
    html = answer_html("Applies from 2024 [1][2]. See also [1, 2] and [7].", [1, 2], prefix="src-3")
    assert html.count('href="#src-3-1"') == 2
    assert html.count('href="#src-3-2"') == 2
    assert "[7]" in html and "#src-3-7" not in html  # no source 7: left as text


def test_bullets_bold_and_paragraphs() -> None:
    text = "**Requirements**\n- CE marking [1]\n- RED 2014/53/EU\n\nNext steps:\nask the lab"
    html = str(answer_html(text, [1]))
    assert html.startswith("<p><strong>Requirements</strong></p><ul><li>CE marking <a class=\"cite\"")
    assert "<li>RED 2014/53/EU</li></ul>" in html
    assert html.endswith("<p>Next steps:<br>ask the lab</p>")


def test_bold_markers_cannot_smuggle_markup() -> None:
    html = answer_html('**<img src=x onerror="alert(1)">**', [])
    assert "<img" not in html
    assert "<strong>&lt;img" in html


def test_record_href_keeps_slashes_and_encodes_the_rest() -> None:
    assert record_href("G/TBT/N/USA/867/Add.1") == "/records/G/TBT/N/USA/867/Add.1"
    assert record_href("Regulation (EU) 2017/745") == "/records/Regulation%20%28EU%29%202017/745"
    assert record_href("海关总署公告〔2024〕151号").startswith("/records/%E6%B5%B7")
    assert record_href('x"><script>') == "/records/x%22%3E%3Cscript%3E"
