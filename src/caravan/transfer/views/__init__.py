"""The pages of technique transfer at /transfer/ (thin: parse, call a selector or service, render)."""
