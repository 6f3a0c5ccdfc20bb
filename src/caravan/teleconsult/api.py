"""Teleconsultation over HTTP at /api/v1/teleconsult/."""

from ninja import Router

router = Router(tags=["teleconsult"])
