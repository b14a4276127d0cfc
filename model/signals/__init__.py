"""Signal families, one per module. Each exposes NAME, DESCRIPTION, FEATURES (names of the numbers it
gives the classifier) and `compute(...) -> (dict of features, Signal)`."""
from model.signals import content_stats, copyright_residue, metadata_mismatch, spun_phrases, trailing_links

FAMILIES = (spun_phrases, metadata_mismatch, trailing_links, copyright_residue, content_stats)
CATALOGUE: dict[str, str] = {f.NAME: f.DESCRIPTION for f in FAMILIES}
FEATURE_NAMES: tuple[str, ...] = tuple(name for f in FAMILIES for name in f.FEATURES)
