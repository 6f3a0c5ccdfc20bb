"""Deployments over HTTP at /api/v1/deployments/."""

from ninja import Router

router = Router(tags=["deployments"])
