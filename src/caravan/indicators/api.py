"""Indicators over HTTP at /api/v1/indicators/."""

from ninja import Router

router = Router(tags=["indicators"])
