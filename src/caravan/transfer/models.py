"""transfer models."""
