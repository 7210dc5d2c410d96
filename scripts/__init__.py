"""Developer scripts (see README)."""
