from model.page import parse_page


def test_main_text_excludes_navigation_and_footer(fixture_bytes):
    page = parse_page(fixture_bytes("legit_news.html").decode())
    assert "ferry terminal on the east quay" in page.main_text
    assert "Weather" not in page.main_text
    assert "All rights reserved" not in page.main_text
    assert "lakesidegazette" in page.site_tokens or "lakeside" in page.site_tokens


def test_links_recorded_with_their_text(fixture_bytes):
    page = parse_page(fixture_bytes("farm_page.html").decode())
    titles = [t for b in page.blocks for t, _ in b.links]
    assert "Keto Diet Pills That Burn Fat While You Sleep" in titles


def test_plain_text_lines_under_a_related_heading_become_links():
    text = "\n".join(["A long paragraph of the article that goes on for quite a few words indeed here."] * 3
                     + ["More Stories", "First unrelated title here", "Second unrelated title here"])
    page = parse_page(text)
    assert page.plain_text
    assert [t for b in page.blocks for t, _ in b.links] == ["First unrelated title here", "Second unrelated title here"]


def test_plain_text_without_heading_has_no_links():
    page = parse_page("Just a sentence of text.\nShort line\nAnother short line")
    assert not any(b.links for b in page.blocks)


def test_deep_nesting_does_not_exhaust_the_stack():
    html = "<div>" * 5_000 + "deep text" + "</div>" * 5_000
    page = parse_page(html)
    assert page.blocks is not None


def test_node_cap_truncates_huge_pages(monkeypatch):
    monkeypatch.setattr("model.page.MAX_NODES", 300)
    html = "<ul>" + "<li><a href='/x'>link</a></li>" * 400 + "</ul>"
    page = parse_page(html)
    assert page.truncated and "page_truncated" in page.reasons


def test_inline_text_keeps_word_spacing():
    assert parse_page("<p>Hello <b>big</b> <i>wide</i> world and a few more words here</p>").main_text \
        == "Hello big wide world and a few more words here"


def test_processing_instruction_nodes_are_skipped():
    html = "<html><body><?php include 'header.inc'; ?><p>" + "Plain words of the article body. " * 5 + "</p></body></html>"
    page = parse_page(html)
    assert "Plain words of the article body." in page.main_text and "include" not in page.main_text


def test_pathologically_deep_nesting_is_flattened_and_keeps_its_text():
    from model.page import MAX_DEPTH
    depth = MAX_DEPTH * 4
    html = "<html><body>" + "<div>" * depth + "<p>" + "Words deep inside the page body. " * 4 + "</p>" + \
        "</div>" * depth + "</body></html>"
    page = parse_page(html)
    assert "deep_nesting_flattened" in page.reasons
    assert "Words deep inside the page body." in page.main_text


def test_ordinary_nesting_is_left_alone():
    html = "<div>" * 40 + "<p>" + "Plain words of the article body. " * 5 + "</p>" + "</div>" * 40 + "<i></i>" * 3000
    page = parse_page(html)
    assert "deep_nesting_flattened" not in page.reasons
