"""partnerships models."""
