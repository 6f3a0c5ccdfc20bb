"""WebSocket routes; modules add theirs here."""

from django.urls import path

from caravan.teleconsult.live import LiveEcgConsumer

websocket_urlpatterns: list = [
    path("ws/teleconsult/cases/<int:pk>/live/", LiveEcgConsumer.as_asgi()),
]
