"""model/features.py: the text the spun-phrase pass reads (`spun_text_of`)."""
from model.features import MAX_MAIN_CHARS, spun_text_of


def test_comments_follow_the_main_text_when_asked():
    assert spun_text_of("The article.", "A comment.", True) == "The article.\nA comment."
    assert spun_text_of("The article.", "A comment.", False) == "The article."   # near miss: not asked
    assert spun_text_of("The article.", "", True) == "The article."              # near miss: no comments


def test_comments_stay_within_the_analysed_length():
    main = "word " * (MAX_MAIN_CHARS // 5 - 10)
    text = spun_text_of(main, "comment " * 100, True)
    assert len(text) == MAX_MAIN_CHARS and text.startswith(main)
    full = "x" * MAX_MAIN_CHARS
    assert spun_text_of(full, "A comment.", True) == full       # a main text at the cap takes in nothing
