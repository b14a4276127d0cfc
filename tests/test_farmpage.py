"""Held-out farm layouts (training/farmpage.py): the tells are found in layouts, wording and publishers
that training never saw, and not on the same layouts' legitimate pages."""
from __future__ import annotations

import random

import pytest

from training import farmpage, layouts

TITLE = "Council backs bus expansion"
PARAS = [
    "The city council voted on Tuesday to expand the bus network to three new suburbs, after a year of "
    "public hearings on the plan.",
    "Officials said the first routes would open in the spring, and that fares would stay the same for at "
    "least two years.",
    "Residents of the northern districts, who have long complained about the lack of service, welcomed "
    "the decision.",
    "The expansion will be paid for by a mix of state grants and a small increase in parking fees "
    "downtown, the council said.",
] * 3
RELATED = ["Bus fares frozen for two years", "New routes for the northern suburbs",
           "Council approves parking fee rise"]


def _fired(detector, page: str) -> set[str]:
    return {s.name for s in detector.score(page).signals if s.fired}


@pytest.mark.parametrize("layout", farmpage.LAYOUTS)
@pytest.mark.parametrize("variant, expected", [
    ("full", {"trailing_links", "copyright_residue"}),
    ("links", {"trailing_links"}),
    ("residue", {"copyright_residue"}),
])
def test_tells_found_in_held_out_layouts(detector, layout: str, variant: str, expected: set[str]) -> None:
    page = farmpage.farm_page(layout, variant, TITLE, PARAS, random.Random(1))
    assert _fired(detector, page) & {"trailing_links", "copyright_residue"} == expected


@pytest.mark.parametrize("layout", farmpage.LAYOUTS)
def test_legit_page_in_held_out_layout_has_no_tell(detector, layout: str) -> None:
    """Near miss: the site's own copyright and an on-topic related block in the same layout."""
    page = farmpage.legit_page(layout, TITLE, PARAS, random.Random(1), RELATED)
    assert "westfield-courier.example" in page and "\u00a9" in page
    assert not _fired(detector, page) & {"trailing_links", "copyright_residue"}
    assert detector.score(page).verdict == "ham"


def test_held_out_wording_is_not_training_wording() -> None:
    """The protocol only measures generalisation if training's generator has none of its wording."""
    training_text = " ".join(layouts.PUBLISHERS + layouts.SITE_NAMES)
    assert not any(p in training_text for p in farmpage.PUBLISHERS)
    spam_rng = random.Random(3)
    training_titles = {t for _ in range(200) for t in layouts.spam_link_titles(spam_rng, 8)}
    assert not training_titles & set(farmpage.SPAM_TITLES)


def test_residue_lines_vary_and_keep_the_placeholder() -> None:
    seen = [line for seed in range(40) for line in farmpage.residue_lines(random.Random(seed))]
    assert any("[email protected]" in line for line in seen)
    assert any(len(line.split()[-1]) == 40 for line in seen if line.startswith("Copyright"))   # the 40-hex hash
    assert all(2 <= len(farmpage.residue_lines(random.Random(s))) <= 3 for s in range(40))
