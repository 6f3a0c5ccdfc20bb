"""Caravan: the platform health partnerships run on."""
