"""training models."""
