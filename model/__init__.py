"""unspun's detector: page bytes -> main text and structure -> signals -> classifier -> verdict.

Pure: no web framework and no I/O beyond reading the model artifact.
"""
from model.detector import Detector, DEFAULT_MODEL_DIR
from model.errors import ArtifactError, InputError
from model.verdict import Evidence, Signal, Verdict

__all__ = ["Detector", "DEFAULT_MODEL_DIR", "ArtifactError", "InputError", "Evidence", "Signal", "Verdict"]
