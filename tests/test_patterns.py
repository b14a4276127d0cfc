"""Gated and anchored patterns (model/patterns.py): the gate or the anchor only skips work, it never changes what
is found."""
from __future__ import annotations

import random
import re

import pytest

from model import patterns as P

GATED = {"half": P.HALF_SPELLED_NUMBER, "compound": P.SPELLED_COMPOUND, "idioms": P.BROKEN_IDIOMS}
TEXTS = [
    "The bill would cost three,000 dollars and five.2 million more.",        # half-spelled numbers
    "It costs 3,000 dollars, 5.2 million more; version 2.0 shipped.",        # digits: none
    "Every single one hundred twenty times, One Hundred and Five of them.",   # compound + idiom
    "A hundred people came; one hundred was the cap.",                       # "one hundred" only
    "In Accordance to the rules, as properly as the on-line small business.",  # idioms, capitalised
    "In accordance with the rules, as well as the online small business.",    # the intact forms
    "\u0130n accordance to the plan, a\u017f properly, \u0131n buy to sell.",  # re.I folds to ASCII letters
    "Seven,5 and ninety.99 and twenty,",                                      # tails at the end
    "",
]


@pytest.mark.parametrize("name", GATED)
@pytest.mark.parametrize("text", TEXTS)
def test_gate_never_changes_the_matches(name, text):
    gated = GATED[name]
    assert gated.findall(text) == gated.pattern.findall(text)
    assert [m.span() for m in gated.finditer(text)] == [m.span() for m in gated.pattern.finditer(text)]


def test_gates_pass_on_the_footprints_they_guard():
    assert P.HALF_SPELLED_NUMBER.findall(TEXTS[0]) == ["three,000", "five.2"]
    assert P.SPELLED_COMPOUND.findall(TEXTS[2]) == ["one hundred twenty", "One Hundred and Five"]
    assert [m.group() for m in P.BROKEN_IDIOMS.finditer(TEXTS[4])] == ["In Accordance to", "as properly",
                                                                       "on-line small business"]
    assert len(list(P.BROKEN_IDIOMS.finditer(TEXTS[6]))) == 3      # İn / aſ / ın: matched through the fold


def test_gates_are_shut_on_ordinary_text():  # near misses of the footprints above: the pattern is not run
    assert not P.HALF_SPELLED_NUMBER.gate(TEXTS[1])
    assert not P.SPELLED_COMPOUND.gate("A thousand people came.")
    assert not P.BROKEN_IDIOMS.gate(TEXTS[5])


NOTATION_TEXTS = [
    "Sales rose three% and twenty-five % in 2012; $five million and \u00a3ten more.",   # percent, currency
    "The vote closed at 1:fifteen PM, or nine:30 by the other clock; THREE% OF IT.",   # times, capitals
    "He filed on Aug nine, 2012 and again on September twenty-seven, 2012.",          # dates
    "Sales rose 3% and 25 % in 2012; $5 million, $ One, \u00a310; at 1:15 PM or 9:30.",  # digits: none
    "Filed on Aug. 9, 2012, in May, 2012 and on the ninth; chapter one: the start; one-to-one: 2:1.",
    "Two%" + " padding" * 20 + " ten%",                                                 # at both ends
    "",
]


@pytest.mark.parametrize("text", NOTATION_TEXTS)
def test_anchored_pattern_finds_what_the_whole_text_scan_finds(text):
    anchored = P.NUMBER_IN_NOTATION
    assert [m.span() for m in anchored.finditer(text)] == [m.span() for m in anchored.pattern.finditer(text)]


def test_anchored_pattern_agrees_with_the_whole_text_scan_on_random_jumbles():
    anchored = P.NUMBER_IN_NOTATION
    pieces = ["three", "Nine", "twenty", "-", "five", "%", " %", "$", "\u00a3", " ", ":", "1", "30", "Aug", "May",
              ".", ", 2012", ",", "x", "\n"]
    filler = " and so on" * (anchored.reach // 5)     # keeps anchors apart, so that the windows are searched
    rng = random.Random(33)
    windowed = 0
    for _ in range(600):
        text = "".join(rng.choice(pieces) if rng.random() < 0.9 else filler for _ in range(rng.randint(0, 60)))
        found = [m.span() for m in anchored.finditer(text)]
        assert found == [m.span() for m in anchored.pattern.finditer(text)], text
        anchors = len(list(anchored.anchor.finditer(text)))
        windowed += bool(found) and anchors * 2 * anchored.reach <= len(text)
    assert windowed > 50       # both ways are exercised: windows around sparse anchors, one scan otherwise


def test_anchored_pattern_finds_the_same_when_anchors_are_dense():
    text = "a:1 " * 5000 + "nine:30"          # hostile input, an anchor every four characters: one whole scan
    assert P.NUMBER_IN_NOTATION.findall(text) == ["nine:30"]


def test_spelled_numbers_in_numeral_notation_are_found():
    found = [P.NUMBER_IN_NOTATION.findall(t) for t in NOTATION_TEXTS[:3]]
    assert found == [["three%", "twenty-five %", "$five", "\u00a3ten"], ["1:fifteen", "nine:30", "THREE%"],
                     ["Aug nine, 2012", "September twenty-seven, 2012"]]


def test_numbers_in_digits_or_spelled_outside_notation_are_not():  # near misses: digits, a name, prose
    assert P.NUMBER_IN_NOTATION.findall(NOTATION_TEXTS[3]) == []
    assert P.NUMBER_IN_NOTATION.findall(NOTATION_TEXTS[4]) == []


def test_folded_maps_what_ignorecase_maps():
    assert P.folded("\u0130N A\u017f \u0131T \u212a") == "in as it k"


def test_script_prose_strings_are_the_literals_of_six_words_or_more_a_stepwise_scan_finds():
    """SCRIPT_PROSE_STRING takes runs of plain characters whole and captures only prose; it must find
    exactly the literals of six words or more that a pattern stepping one character (or one escape) at a
    time finds, escaped quotes and backslashes included."""
    stepwise = re.compile(r'"((?:[^"\\]|\\.)*+)"')
    escape = re.compile(r"\\.")
    fixtures = ['{"a": "he said \\"hi\\" to them all today", "b": "x\\\\", "c": "unterminated one two three four',
                '"\\\\\\"" "" "a b c d e f" "a b c d e"', "no quotes"]
    rng = random.Random(11)
    jumbles = ["".join(rng.choice('ab "\\  x:') for _ in range(rng.randint(0, 60))) for _ in range(3000)]
    for text in fixtures + jumbles:
        expected = [s for s in stepwise.findall(text)   # (spaces that are not escaped: JSON never escapes one)
                    if escape.sub("x", s).count(" ") + 1 >= P.SCRIPT_PROSE_MIN_WORDS]
        assert [s for s in P.SCRIPT_PROSE_STRING.findall(text) if s] == expected, text
    assert [s for s in P.SCRIPT_PROSE_STRING.findall(fixtures[0]) if s] == ['he said \\"hi\\" to them all today']
    assert [s for s in P.SCRIPT_PROSE_STRING.findall(fixtures[1]) if s] == ["a b c d e f"]
