"""Live ECG over a WebSocket: a sender (cart, browser page or `caravan ecg-send`) streams chunks,
everyone watching the case receives them through the channel layer, and the stream is saved as an
attachment when it stops. Through Redis (CARAVAN_REDIS_URL) it works across several app servers.

Messages, JSON:
    sender → {"type": "start", "leads": [...], "sampling_rate": 500}
    sender → {"type": "chunk", "samples": [[lead 1 …], [lead 2 …]], "sent_at": <ms since epoch>}
    sender → {"type": "stop"}
    server → viewers: the same messages, then {"type": "saved", "attachment": id}
"""

import json

import numpy as np
from asgiref.sync import sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.contrib.auth.models import AnonymousUser

from caravan.core.access import access_for
from caravan.core.errors import ApplicationError

from .ecg import EcgRecord

MAX_SECONDS = 30 * 60  # a stream longer than half an hour is cut: the viewer still sees it, only the saved part ends
MAX_LEADS = 16


class LiveRefused(Exception):
    pass


class LiveBuffer:
    """What a stream has carried so far, checked chunk by chunk."""

    def __init__(self, leads: list, sampling_rate):
        if not isinstance(leads, list) or not 1 <= len(leads) <= MAX_LEADS or not all(isinstance(x, str) for x in leads):
            raise LiveRefused("leads must be a list of 1 to 16 names")
        if not isinstance(sampling_rate, int | float) or not 50 <= sampling_rate <= 2000:
            raise LiveRefused("sampling_rate must be between 50 and 2000 Hz")
        self.leads = leads
        self.sampling_rate = float(sampling_rate)
        self.chunks: list[np.ndarray] = []
        self.samples = 0

    def add(self, samples) -> np.ndarray:
        try:
            block = np.asarray(samples, dtype=np.float32)
        except (TypeError, ValueError):
            raise LiveRefused("samples must be numbers") from None
        if block.ndim != 2 or block.shape[0] != len(self.leads) or not 0 < block.shape[1] <= 2 * self.sampling_rate:
            raise LiveRefused("samples must hold one row per lead, at most 2 s per chunk")
        if not np.all(np.isfinite(block)):
            raise LiveRefused("samples must be finite")
        if self.samples < MAX_SECONDS * self.sampling_rate:
            self.chunks.append(block)
            self.samples += block.shape[1]
        return block

    def record(self) -> EcgRecord | None:
        if not self.chunks:
            return None
        return EcgRecord(format="live", sampling_rate=self.sampling_rate, leads=list(self.leads),
                         signals=np.hstack(self.chunks))


def group_name(case_id: int) -> str:
    return f"teleconsult-live-{case_id}"


def _user_from_token(headers) -> object:
    from caravan.core.api_auth import TokenAuth

    for name, value in headers:
        if name == b"authorization" and value.startswith(b"Bearer "):

            class _Request:
                pass

            return TokenAuth().authenticate(_Request(), value[7:].decode()) or AnonymousUser()
    return AnonymousUser()


def _may_join(user, case_id: int, sending: bool) -> bool:
    from . import scope, selectors

    try:
        case = selectors.case_get_for_user(user=user, pk=case_id)
    except ApplicationError:
        return False
    # Only the requesting side streams: the ECG is taken where the patient is.
    return not sending or scope.is_requesting_side(access_for(user), case)


def _save(user, case_id: int, record: EcgRecord) -> int:
    from . import selectors, services

    case = selectors.case_get_for_user(user=user, pk=case_id)
    return services.live_recording_save(by=user, case=case, record=record).pk


class LiveEcgConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            user = await sync_to_async(_user_from_token)(self.scope.get("headers", []))
        self.user = user
        self.case_id = int(self.scope["url_route"]["kwargs"]["pk"])
        self.sending = b"role=send" in self.scope.get("query_string", b"")
        self.buffer: LiveBuffer | None = None
        self.saved = False
        if not user.is_authenticated or not await sync_to_async(_may_join)(user, self.case_id, self.sending):
            await self.close(code=4403)
            return
        self.group = group_name(self.case_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)
        await self._finish()

    async def receive_json(self, content, **kwargs):
        if not self.sending:
            return  # viewers only watch
        kind = content.get("type") if isinstance(content, dict) else None
        try:
            if kind == "start":
                await self._finish()
                self.buffer = LiveBuffer(content.get("leads"), content.get("sampling_rate"))
                self.saved = False
                await self._broadcast({"type": "start", "leads": self.buffer.leads,
                                       "sampling_rate": self.buffer.sampling_rate})
            elif kind == "chunk":
                if self.buffer is None:
                    raise LiveRefused("send start first")
                block = self.buffer.add(content.get("samples"))
                await self._broadcast({"type": "chunk", "samples": block.tolist(), "sent_at": content.get("sent_at")})
            elif kind == "stop":
                await self._finish()
            else:
                raise LiveRefused("unknown message type")
        except LiveRefused as exc:
            await self.send_json({"type": "error", "message": str(exc)})

    async def _finish(self):
        if self.buffer is None or self.saved:
            return
        self.saved = True
        record = self.buffer.record()
        if record is None:
            return
        attachment_id = await sync_to_async(_save)(self.user, self.case_id, record)
        await self._broadcast({"type": "saved", "attachment": attachment_id})

    async def _broadcast(self, payload):
        # Encoded once here, not once per viewer: twenty viewers would otherwise cost twenty encodings a chunk.
        await self.channel_layer.group_send(
            self.group, {"type": "live.message", "kind": payload["type"], "text": json.dumps(payload)})

    async def live_message(self, event):
        if self.sending and event["kind"] in ("start", "chunk"):
            return  # the sender knows what it sent; it only hears of the saved recording
        await self.send(text_data=event["text"])
