"""Bare article pages: what counts as one (`model.page.is_bare_article`), the threshold the detector applies to
them, and how training chooses it (`training.evaluation.choose_bare_threshold`)."""
from __future__ import annotations

import numpy as np

PARAGRAPH = ("The harbour council voted on Tuesday to approve a new ferry terminal on the east quay, ending two "
             "years of debate over how the town should replace its ageing passenger pier. ")
TEXT = "\n".join([PARAGRAPH * 3, PARAGRAPH * 2, PARAGRAPH * 2])


def bare_html(title: str = "Harbour council backs ferry terminal", text: str = TEXT, extra: str = "") -> str:
    paras = "".join(f"<p>{p}</p>" for p in text.split("\n"))
    return f"<html><head><title>{title}</title></head><body><h1>{title}</h1>{paras}{extra}</body></html>"


def analysed(detector, html: str | bytes):
    return detector.analyse(html)


def test_a_title_and_paragraphs_is_a_bare_article(detector):
    from model.page import is_bare_article, parse_page

    assert is_bare_article(parse_page(bare_html()))
    assert analysed(detector, bare_html()).bare_article


def test_a_text_plain_body_is_a_bare_article():
    from model.page import is_bare_article, parse_page

    assert is_bare_article(parse_page(TEXT))


def test_one_link_makes_a_page_not_bare(detector):
    from model.page import is_bare_article, parse_page

    html = bare_html(extra='<p>Read more at <a href="/ferries">our ferry page</a>.</p>')
    assert not is_bare_article(parse_page(html))          # near miss: the same page with a link
    assert not analysed(detector, html).bare_article


def test_text_outside_the_article_makes_a_page_not_bare():
    from model.page import BARE_MAX_OTHER_WORDS, is_bare_article, parse_page

    menu = "".join(f"<li>Section {i}</li>" for i in range(BARE_MAX_OTHER_WORDS))
    assert not is_bare_article(parse_page(bare_html(extra=f"<nav><ul>{menu}</ul></nav>")))
    short = "".join(f"<li>Section{i}</li>" for i in range(3))             # near miss: a few words of menu
    assert is_bare_article(parse_page(bare_html(extra=f"<nav><ul>{short}</ul></nav>")))


SHORT_LINES = ["Ferry times change from May.", "Tickets cost four pounds.", "The quay stays open.",
               "Parking is free after six.", "Work starts next spring.", "Cyclists ride free on Sundays."]


def test_short_paragraphs_of_the_article_keep_it_bare():
    from model.page import BARE_MAX_OTHER_WORDS, is_bare_article, parse_page

    shorts = "\n".join(SHORT_LINES)             # one-line paragraphs: under MAIN_MIN_WORDS, not main text
    assert sum(len(s.split()) for s in SHORT_LINES) > BARE_MAX_OTHER_WORDS
    assert is_bare_article(parse_page(bare_html(text=TEXT + "\n" + shorts)))
    assert is_bare_article(parse_page(TEXT + "\n" + shorts))                 # the same as text/plain


def test_short_lines_outside_the_article_make_it_not_bare():
    from model.page import is_bare_article, parse_page

    # near misses of the test above: the same lines in a sidebar, and as list items
    aside = "<aside>" + "".join(f"<p>{s}</p>" for s in SHORT_LINES) + "</aside>"
    assert not is_bare_article(parse_page(bare_html(extra=aside)))
    items = "<ul>" + "".join(f"<li>{s}</li>" for s in SHORT_LINES) + "</ul>"
    assert not is_bare_article(parse_page(bare_html(extra=items)))


def test_a_copyright_line_makes_a_page_not_bare(detector):
    html = bare_html(extra="<footer><p>Copyright © 2024 Harbour Gazette Ltd. All rights reserved.</p></footer>")
    assert not analysed(detector, html).bare_article
    assert analysed(detector, bare_html()).bare_article                  # near miss: without it


def test_an_empty_body_is_not_a_bare_article():
    from model.page import is_bare_article, parse_page

    assert not is_bare_article(parse_page("<html><body><h1>Title</h1></body></html>"))


def with_bare_threshold(detector, value: float | None):
    from model import Detector

    bundle = {k: v for k, v in detector.bundle.items() if k != "threshold_bare"}
    if value is not None:
        bundle["threshold_bare"] = value
    return Detector.from_bundle(bundle, detector.card, detector.sha256)


def test_a_bare_page_is_judged_against_the_bare_threshold(detector):
    det = with_bare_threshold(detector, 0.01)
    verdict = det.score(bare_html())
    assert verdict.threshold == 0.01 and det.threshold_bare == 0.01
    assert "bare_article_threshold" in verdict.reasons
    assert verdict.is_spam == (verdict.score >= 0.01)


def test_a_site_page_keeps_the_page_threshold(detector, fixture_bytes):
    det = with_bare_threshold(detector, 0.01)
    verdict = det.score(fixture_bytes("legit_news.html"))
    assert verdict.threshold == det.threshold != 0.01                     # near miss: not bare
    assert "bare_article_threshold" not in verdict.reasons


def test_without_a_bare_threshold_a_bare_page_gets_the_page_threshold(detector):
    det = with_bare_threshold(detector, None)
    verdict = det.score(bare_html())
    assert verdict.threshold == det.threshold == det.threshold_bare
    assert "bare_article_threshold" not in verdict.reasons


def test_a_threshold_asked_for_overrides_both(detector):
    det = with_bare_threshold(detector, 0.01)
    verdict = det.score(bare_html(), threshold=0.99)
    assert verdict.threshold == 0.99 and "bare_article_threshold" not in verdict.reasons


class ConstantClassifier:
    """A page classifier that gives every page the same score."""

    def __init__(self, score: float) -> None:
        self.score = score

    def predict_proba(self, X):
        return np.tile([1.0 - self.score, self.score], (len(X), 1))


def with_bare_classifiers(detector, score: float | None, members: int | None = None):
    """The detector with a bare threshold of 0.5 and, for the first `members` members (all by default), a
    bare-page classifier that scores every page `score` (none for any member when `score` is None)."""
    from model import Detector

    members_ = [{k: v for k, v in m.items() if k != "bare_pipeline"} for m in detector.bundle["members"]]
    for m in members_[:members] if score is not None else []:
        m["bare_pipeline"] = ConstantClassifier(score)
    return Detector.from_bundle({**detector.bundle, "members": members_, "threshold_bare": 0.5}, detector.card,
                                detector.sha256)


def test_a_bare_page_is_scored_by_the_bare_classifiers_when_the_model_has_them(detector, fixture_bytes):
    det = with_bare_classifiers(detector, 0.7)
    verdict = det.score(bare_html())
    assert abs(verdict.score - 0.7) < 1e-9 and verdict.verdict == "spam" and verdict.threshold == 0.5
    assert {"bare_article_threshold", "bare_article_classifier"} <= set(verdict.reasons)
    site = det.score(fixture_bytes("legit_news.html"))              # near miss: a site's page keeps its classifiers
    assert site.score == detector.score(fixture_bytes("legit_news.html")).score
    assert "bare_article_classifier" not in site.reasons
    without = with_bare_classifiers(detector, None)
    assert "bare_article_classifier" not in without.score(bare_html()).reasons    # a model without them


def test_the_bundled_model_scores_bare_pages_with_classifiers_of_their_own(detector, fixture_bytes):
    from model.artifact import bare_classifiers_of, members_of

    assert len(bare_classifiers_of(detector.bundle)) == len(members_of(detector.bundle))
    assert "bare_article_classifier" in detector.score(bare_html()).reasons
    assert "bare_article_classifier" not in detector.score(fixture_bytes("legit_news.html")).reasons   # near miss


def test_a_model_with_a_bare_classifier_for_some_members_only_is_refused(detector):
    import pytest

    from model.artifact import bare_classifiers_of
    from model.errors import ArtifactError

    with pytest.raises(ArtifactError):
        with_bare_classifiers(detector, 0.7, members=1)
    assert bare_classifiers_of(with_bare_classifiers(detector, None).bundle) is None
    assert bare_classifiers_of({"pipeline": "p", "bare_pipeline": "b"}) == ["b"]     # a single model's


def test_the_bare_threshold_flags_at_most_its_share_of_the_bare_hams():
    from training.evaluation import choose_bare_threshold

    rng = np.random.default_rng(4)
    spams = rng.uniform(0.5, 1.0, 300)
    bare = rng.uniform(0.0, 0.6, 1000)
    choice = choose_bare_threshold(spams, bare, 0.01)
    assert int((bare >= choice.threshold).sum()) == 10                       # the lowest cut within 1% of 1,000
    stricter = choose_bare_threshold(spams, bare, 0.005)
    assert int((bare >= stricter.threshold).sum()) == 5 and stricter.threshold > choice.threshold   # near miss


def test_bare_hams_are_the_long_texts_alone_in_bare_pages():
    from model.page import is_bare_article, parse_page
    from training.dataset import BARE_MIN_WORDS, SourceDoc, bare_ham_samples

    long_text = " ".join(["word"] * BARE_MIN_WORDS)
    docs = [SourceDoc(group="a", fold=0, title="A title", text=long_text),
            SourceDoc(group="b", fold=2, title="", text=long_text + "\nSecond paragraph here."),
            SourceDoc(group="c", fold=1, title="Short", text=" ".join(["word"] * (BARE_MIN_WORDS - 1)))]
    samples = bare_ham_samples(docs)
    assert [s.group for s in samples] == ["a", "b"]           # near miss: one word short of the floor is left out
    assert {s.kind for s in samples} == {"ham_bare"} and {s.label for s in samples} == {0}
    assert [s.fold for s in samples] == [0, 2]
    assert all(is_bare_article(parse_page(s.html.decode("utf-8"))) for s in samples)


def test_bare_spams_are_the_long_english_texts_spun_alone_in_bare_pages():
    import types

    from model.page import is_bare_article, parse_page
    from training.dataset import BARE_MIN_WORDS, SourceDoc, bare_spam_samples
    from training.spinner import Spinner

    long_text = " ".join(["harbour"] * BARE_MIN_WORDS)
    german = types.SimpleNamespace(lang="de", source="x")
    docs = [SourceDoc(group="a", fold=0, title="A title", text=long_text),
            SourceDoc(group="b", fold=1, title="Short", text=" ".join(["harbour"] * (BARE_MIN_WORDS - 1))),
            SourceDoc(group="c", fold=2, title="Hafen", text=long_text, page=german)]
    spinners = {"toy": Spinner({"harbour": ["seaport"]}, name="toy", spell_numbers=False)}
    samples = bare_spam_samples(docs, spinners, seed=1, dictionaries=("toy",))
    assert [s.group for s in samples] == ["a"]         # near misses: one word short, a page not in English
    spam = samples[0]
    assert (spam.kind, spam.label, spam.fold, spam.dictionary) == ("bare_spun", 1, 0, "toy")
    text = spam.html.decode("utf-8")
    assert is_bare_article(parse_page(text))
    changed = text.count("seaport")
    assert changed > 0 and abs(spam.spin_rate - changed / BARE_MIN_WORDS) < 1e-9
    assert bare_spam_samples(docs, spinners, seed=1, dictionaries=("toy",))[0].html == spam.html   # seeded


def test_more_bare_spins_add_spun_pages_and_keep_the_first_pass():
    from training.dataset import BARE_MIN_WORDS, SourceDoc, bare_spam_samples
    from training.spinner import Spinner

    words = ["harbour", "vessel", "captain", "morning"] * (BARE_MIN_WORDS // 4 + 1)
    docs = [SourceDoc(group=g, fold=k, title="A title", text=" ".join(words)) for k, g in enumerate("ab")]
    spinners = {"toy": Spinner({"harbour": ["seaport"], "vessel": ["ship"], "captain": ["skipper"],
                                "morning": ["dawn"]}, name="toy", spell_numbers=False)}
    one = bare_spam_samples(docs, spinners, seed=3, dictionaries=("toy",))
    two = bare_spam_samples(docs, spinners, seed=3, dictionaries=("toy",), spins=2)
    assert [s.html for s in two[:2]] == [s.html for s in one] and [s.id for s in two[:2]] == [s.id for s in one]
    assert len(two) == 4 and len({s.id for s in two}) == 4              # every spun page named apart
    assert [s.group for s in two[2:]] == ["a", "b"] and all(s.label == 1 for s in two)
    assert two[2].html != two[0].html                                   # a second spin, not a copy


def test_bare_classifiers_fitted_on_spin_evidence_ignore_the_other_columns():
    import training.train as T

    names = list(T.FEATURE_NAMES)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(600, len(names)))
    y = (X[:, names.index("swap_llr_0p3_per100")] + X[:, names.index("mean_zipf")] > 0).astype(int)
    X[rng.random(X.shape) < 0.05] = np.nan
    assert T.held_constant(X, "all") is X
    masked = T.held_constant(X, "spin")
    style = [names.index(n) for n in ("mean_zipf", "rare_word_share", "cs_avg_word_len", "tl_n_links")]
    assert not masked[:, style].any() and np.array_equal(X[:, 0], masked[:, 0], equal_nan=True)
    assert "swap_llr_0p3_per100" in T.BARE_FEATURE_SETS["spin"] and "mean_zipf" not in T.BARE_FEATURE_SETS["spin"]
    clf = T.make_classifier(7).fit(masked, y)
    shuffled = X.copy()
    shuffled[:, style] = rng.normal(size=(len(X), len(style))) * 100     # what it must ignore, changed
    assert np.array_equal(clf.predict_proba(shuffled), clf.predict_proba(masked))
    near_miss = T.make_classifier(7).fit(X, y)                            # fitted on every column: it reads them
    assert not np.array_equal(near_miss.predict_proba(shuffled), near_miss.predict_proba(X))
    assert T.parse_args(["--bare-features", "spin"]).bare_features == "spin" and T.parse_args([]).bare_features == "all"
