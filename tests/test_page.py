import pytest

from model.page import COMMENTS_FALLBACK_WORDS, comment_text, parse_page


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


# Pages where the walk's bookkeeping matters (which block a link's text counts in, where an element ends,
# where the caps stop it). The expected values are those of the first, plain implementation of the walk
# (a Python stack of child iterators), which the fast one must reproduce exactly.
_WALK_CASES = [
    ('<div><a href="/x">Title<img></a></div><p>after</p>', {},
     ([("Title", "div", False, 5, [("Title", "/x")]), ("after", "p", False, 0, [])], 6, 1, False)),
    ('<p>one <a href="/1">link<button><svg><path/></svg></button></a> two</p>', {},
     ([("one link two", "p", False, 4, [("link", "/1")])], 6, 1, False)),
    ('<a href="/2"><div>block in link</div></a>tail', {},
     ([("block in link", "div", False, 13, []), ("tail", "body", False, 0, [("block in link", "/2")])], 4, 1,
      False)),
    ('<ul><li><a href="/3">a</a></li><li><a href="/4">b</a><br></li></ul>', {},
     ([("a", "li", False, 1, [("a", "/3")]), ("b", "li", False, 1, [("b", "/4")])], 8, 2, False)),
    ("<p>x<!-- c --></p><p><b>bold</b>\n<i>it</i></p>", {},
     ([("x", "p", False, 0, []), ("bold it", "p", False, 0, [])], 9, 0, False)),
    ('<nav class="menu"><p>in nav</p></nav><div class="side-bar x"><span>s</span></div>'
     '<div class="\u017fhare">q</div>', {},
     ([("in nav", "p", True, 0, []), ("s", "div", True, 0, []), ("q", "div", True, 0, [])], 8, 0, False)),
    ("<p>0123456789ab</p><p>more</p><p>x</p>", {"MAX_TEXT_CHARS": 10},
     ([("0123456789ab", "p", False, 0, [])], 3, 0, True)),
    ("<p>0123456789ab</p><p>more</p>", {"MAX_TEXT_CHARS": 12},
     ([("0123456789ab", "p", False, 0, []), ("more", "p", False, 0, [])], 4, 0, False)),
    ("<p>a <b>b</b> c</p><p>d</p><p>e</p>", {"MAX_NODES": 5}, ([("a b c", "p", False, 0, [])], 6, 0, True)),
    ("<p>a <b>b</b> c</p><p>d</p>", {"MAX_NODES": 6}, ([("a b c", "p", False, 0, [])], 7, 0, True)),
    ("<p>a</p>", {"MAX_NODES": 0}, ([], 1, 0, True)),
]


def test_walk_bookkeeping_matches_the_reference(monkeypatch):
    for html, limits, expected in _WALK_CASES:
        for name, value in limits.items():
            monkeypatch.setattr(f"model.page.{name}", value)
        page = parse_page(html)
        monkeypatch.undo()
        blocks = [(b.text, b.tag, b.boiler, b.link_chars, b.links) for b in page.blocks]
        got = (blocks, page.n_tags, page.n_links, page.truncated)
        assert got == expected, html


def test_boilerplate_names_match_the_pattern():
    import random

    from model import patterns as P
    from model.page import _BOILER_KEYWORDS, _names_are_boiler

    assert _BOILER_KEYWORDS is not None            # the token matcher mirrors the pattern, no fallback
    rnd = random.Random(5)
    words = ["nav", "navbar", "menu", "sidebar", "side", "bar", "side-bar", "widget", "breadcrumbs", "share",
             "comment", "ad", "ads", "more", "stories", "read", "read-more", "tags", "x", "navx", "main",
             "\u017fhare", "\u0130", "\u0131", "bread\u212arumb", "NAV", "Footer", "sIdebar", "\u017f", "s"]
    seps = [" ", "_", "-", "\t", "\n", "\u00a0", "\u3000", "\x1c", "", "", ".", "\u0130", "/"]
    for _ in range(20_000):
        names = "".join(rnd.choice(words) + rnd.choice(seps) for _ in range(rnd.randint(0, 6)))
        assert _names_are_boiler(names) == (P.BOILERPLATE_ATTR.search(names) is not None), repr(names)


def test_tag_kinds_by_id_agree_with_tag_names():
    from selectolax.lexbor import LexborHTMLParser

    from model.page import _HTML_TAG_NAMES, _KIND_BY_ID, _NAME_BY_ID, _kind_of
    from model import patterns as P

    names = sorted(set(_HTML_TAG_NAMES) | P.SKIP_TAGS | P.BLOCK_TAGS | {"x-custom"})
    body = "".join(f"<{n}>t</{n}>" for n in names)
    tree = LexborHTMLParser(f"<table><tr><td>{body}<!--c--></td></tr></table>")
    seen = 0
    for node in tree.root.traverse(include_text=True):
        if node.tag_id in _KIND_BY_ID:
            seen += 1
            assert _KIND_BY_ID[node.tag_id] == _kind_of(node.tag), node.tag
            if node.tag_id in _NAME_BY_ID:
                assert _NAME_BY_ID[node.tag_id] == node.tag
    assert seen > 50


def test_many_nesting_tags_that_do_not_nest_deeply_are_left_alone():
    from model.page import MAX_DEPTH, flatten_deep_nesting

    siblings = "<div>a</div>" * 4_000
    assert flatten_deep_nesting(siblings) == (siblings, False)
    just_deep_enough = "<i></i>" * 3_000 + "<div>" * MAX_DEPTH + "x" + "</div>" * MAX_DEPTH
    assert flatten_deep_nesting(just_deep_enough) == (just_deep_enough, False)
    too_deep = "<i></i>" * 3_000 + "<DIV>" * (MAX_DEPTH + 2) + "x" + "</div>" * (MAX_DEPTH + 2)
    flat, dropped = flatten_deep_nesting(too_deep)
    assert dropped and flat.count("<DIV>") == MAX_DEPTH and flat.count("</div>") == MAX_DEPTH


_BYLINE = "<div><p>Published by the Harbour Gazette newsroom on the first of March this year</p></div>"
_PARAGRAPH = ("<p>The council approved the new budget for the harbour district after a long debate about "
              "ferry fares, road repairs and the cost of the winter lighting scheme.</p>")


def test_an_unclosed_named_anchor_is_not_a_link():
    page = parse_page('<body><a name="top"></a><div><a name="intro">' + _PARAGRAPH * 3 + "</div></body>")
    assert page.n_links == 0
    assert "ferry fares" in page.main_text


def test_an_unclosed_link_still_makes_link_text():  # near miss of the named anchor
    page = parse_page('<body><div><a href="/elsewhere">' + _PARAGRAPH * 3 + "</div></body>")
    assert page.n_links == 1
    assert all(b.link_density > 0.9 for b in page.blocks if "ferry" in b.text)


def test_wordpress_taxonomy_classes_on_the_article_are_not_boilerplate():
    page = parse_page('<body>' + _BYLINE + '<article class="post-12 post type-post status-publish hentry category-local '
                      'tag-ferry tag-budget">' + _PARAGRAPH * 4 + "</article></body>")
    assert "ferry fares" in page.main_text
    assert "boilerplate_named_wrapper_kept" not in page.reasons   # not boilerplate in the first place


def test_a_tag_list_is_still_boilerplate():  # near miss: "tags" without WordPress's post classes
    page = parse_page("<body><div>" + _PARAGRAPH * 4 + '</div><div class="tags"><p>Filed under harbour news, '
                      "council meetings, ferry fares, winter lighting and road repairs</p></div></body>")
    assert "ferry fares" in page.main_text
    assert "Filed under" not in page.main_text


def test_a_boilerplate_named_wrapper_of_the_content_is_kept_and_its_sidebar_is_not():
    page = parse_page('<body><div class="page has-sidebar"><div>' + _PARAGRAPH * 4 + '</div>'
                      '<div class="sidebar"><p>Sidebar: subscribe to the weekly newsletter for more council and '
                      "harbour stories</p></div></div></body>")
    assert "boilerplate_named_wrapper_kept" in page.reasons
    assert "ferry fares" in page.main_text
    assert "Sidebar" not in page.main_text


def test_content_spread_over_many_widget_elements_is_kept():
    widgets = "".join(f'<div class="elementor-widget-container">{_PARAGRAPH}</div>' for _ in range(5))
    page = parse_page('<body><div class="menu"><p>Home</p></div>' + _BYLINE + widgets + "</body>")
    assert page.main_text.count("ferry fares") == 5


_COMMENT = ("<p>I was at the meeting and I think the councillors were right about the ferry fares, but "
            "the lighting scheme is far too expensive for a town of this size.</p>")


def test_a_long_comment_section_stays_boilerplate_beside_an_article():  # near miss: most words, but comments
    page = parse_page("<body><div>" + _PARAGRAPH * 6 + '</div><div id="comments">' + _COMMENT * 8 + "</div></body>")
    assert "ferry fares" in page.main_text and len(page.main_text.split()) >= COMMENTS_FALLBACK_WORDS
    assert "I was at the meeting" not in page.main_text
    assert "comments_as_main_text" not in page.reasons


def test_a_short_main_text_takes_in_the_comment_section():
    page = parse_page("<body><div>" + _PARAGRAPH + '</div><div id="comments">' + _COMMENT * 8 + "</div></body>")
    assert page.main_text.startswith("The council approved")
    assert page.main_text.count("I was at the meeting") == 8
    assert "comments_as_main_text" in page.reasons


def test_a_short_main_text_does_not_take_in_other_boilerplate():  # near miss: a sidebar is not comments
    page = parse_page("<body><div>" + _PARAGRAPH + '</div><div class="sidebar"><p>Subscribe to the weekly '
                      "newsletter for more council and harbour stories from our town</p></div>"
                      '<div id="comments"><nav><p>' + "Older comments and newer comments from readers " * 3 +
                      "</p></nav></div></body>")
    assert "Subscribe" not in page.main_text
    assert "Older comments" not in page.main_text          # a menu inside the comment section stays out
    assert "comments_as_main_text" not in page.reasons


def test_a_comment_section_beside_an_article_is_kept_as_comment_text():
    page = parse_page("<body><div>" + _PARAGRAPH * 6 + '</div><div id="comments">' + _COMMENT * 2
                      + "<p>Reply</p><p>Great idea, thanks!</p></div></body>")
    assert comment_text(page).count("I was at the meeting") == 2
    assert "Great idea, thanks!" in comment_text(page)     # a short comment of COMMENT_MIN_WORDS words
    assert "Reply" not in comment_text(page)                # a one-word control line is not
    assert "ferry fares, road repairs" not in comment_text(page)   # the article stays the main text alone
    assert "I was at the meeting" not in page.main_text


def test_other_boilerplate_is_not_comment_text():  # near miss: a sidebar and a menu inside the comments
    page = parse_page("<body><div>" + _PARAGRAPH * 6 + '</div><div class="sidebar"><p>Subscribe to the weekly '
                      "newsletter for more council and harbour stories from our town</p></div>"
                      '<div id="comments"><nav><p>' + "Older comments and newer comments from readers " * 3 +
                      "</p></nav></div></body>")
    assert comment_text(page) == ""


def test_comments_taken_into_a_short_main_text_are_not_comment_text_again():
    page = parse_page("<body><div>" + _PARAGRAPH + '</div><div id="comments">' + _COMMENT * 8 + "</div></body>")
    assert "comments_as_main_text" in page.reasons and comment_text(page) == ""


_NOTICE = ("<p>We use cookies and similar technologies to give you the best experience on our site, to measure "
           "traffic and to show you personalised content. By continuing to browse you accept our use of cookies.</p>")


@pytest.mark.parametrize("wrapper", [
    '<div id="onetrust-banner-sdk" class="otFlat">{}</div>',
    '<div id="CybotCookiebotDialog" class="CybotEdge">{}</div>',            # glued into another word
    '<div class="cookiepreferences_popup">{}</div>',
    '<section role="dialog" aria-label="Cookie preferences">{}</section>',  # by its aria-label only
    '<div class="moove-gdpr-info-bar-container">{}</div>',
])
def test_a_consent_notice_is_boilerplate(wrapper: str):
    page = parse_page("<body>" + wrapper.format(_NOTICE) + "<div>" + _PARAGRAPH * 6 + "</div></body>")
    assert "ferry fares" in page.main_text
    assert "cookies" not in page.main_text


def test_a_consent_notice_holding_most_words_is_not_taken_for_a_wrapper():
    page = parse_page('<body><div class="cookie-notice">' + _NOTICE * 6 + "</div><div>" + _PARAGRAPH + "</div></body>")
    assert page.main_text.startswith("The council approved") and "cookies" not in page.main_text


def test_cookie_in_a_name_without_consent_words_is_not_a_notice():  # near misses: a recipe site's names
    recipes = ("<p>Cream the butter and sugar, fold in the flour and bake the cookies for twelve minutes until "
               "golden.</p>")
    page = parse_page("<body><div>" + _PARAGRAPH + '</div><div class="cookie-recipes">' + recipes * 4 + "</div></body>")
    assert page.main_text.count("bake the cookies") == 4     # a wrapper of most words, not a notice
    article = ('<article class="post-7 post type-post status-publish hentry category-cookies tag-consent">'
               + recipes * 4 + "</article>")
    page = parse_page("<body><div>" + _PARAGRAPH + "</div>" + article + "</body>")
    assert page.main_text.count("bake the cookies") == 4
