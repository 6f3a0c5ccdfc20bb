"""WebSocket routes; modules add theirs here (live ECG arrives with teleconsultation)."""

websocket_urlpatterns: list = []
