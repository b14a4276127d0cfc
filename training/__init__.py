"""Training data and model training for unspun."""
