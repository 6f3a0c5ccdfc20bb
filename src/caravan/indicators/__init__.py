"""Indicators and dashboards: health-system and partnership indicators by region and period."""
