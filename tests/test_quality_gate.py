"""CI's quality gate: the pinned evaluation corpus rebuilds to its digest, and the bundled model scores
it as its model card says (no silent regression), with reference tables that never counted its texts, as
`make train`'s gate scores it (training/frozen.py)."""
from __future__ import annotations

import json

import pytest

from model.detector import DEFAULT_MODEL_DIR
from training.frozen import GATE_TABLES, default_evalset, gate_figures, held_out_tables_for, pinned_digest
from training.gate import gate_decision

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not (DEFAULT_MODEL_DIR / "unspun.joblib").exists(), reason="no bundled model")]


def test_bundled_model_holds_its_recorded_figures_on_the_pinned_evaluation_set(shared, detector):
    items, digest = default_evalset(shared)
    assert digest == pinned_digest()
    card = json.loads((DEFAULT_MODEL_DIR / "model_card.json").read_text())
    recorded = card["gate"]["candidate"]
    assert recorded["evalset"] == digest, "the model card was gated on another evaluation set"
    assert recorded["tables"] == GATE_TABLES, "the model card's figures were measured with other reference tables"
    now = gate_figures(detector, items, digest, held_out_tables_for(shared, detector))
    decision = gate_decision(recorded, now)
    assert decision.passed, decision.table_markdown
