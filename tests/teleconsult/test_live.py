"""Live ECG through the real consumer and channels' in-memory layer: who may join, what viewers get, what is saved."""

import json
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from asgiref.sync import async_to_sync
from asgiref.testing import ApplicationCommunicator
from channels.routing import URLRouter

from caravan.routing import websocket_urlpatterns
from caravan.teleconsult.ecg import EcgRecord, read_ecg
from caravan.teleconsult.live import LiveBuffer, LiveRefused
from caravan.teleconsult.models import Attachment
from caravan.teleconsult.replay import chunks, replay
from caravan.teleconsult.selectors import attachment_data

from .conftest import files, open_case

# Channels closes "old" connections around each WebSocket event: that ends a test transaction on PostgreSQL.
pytestmark = pytest.mark.django_db(transaction=True)


def run(scenario):
    """Run an async scenario in a thread of its own: a browser test earlier in the same worker leaves
    Playwright's event loop on the main thread, where async_to_sync refuses to start another."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(async_to_sync(scenario)).result()

APP = URLRouter(websocket_urlpatterns)


class WebsocketCommunicator(ApplicationCommunicator):
    """channels.testing's communicator, which cannot be imported here without daphne."""

    def __init__(self, application, path):
        path, _, query = path.partition("?")
        self.scope = {"type": "websocket", "path": path, "query_string": query.encode(), "headers": [],
                      "subprotocols": []}
        super().__init__(application, self.scope)

    async def connect(self, timeout=5):
        await self.send_input({"type": "websocket.connect"})
        response = await self.receive_output(timeout)
        if response["type"] == "websocket.close":
            return False, response.get("code", 1000)
        return True, response.get("subprotocol")

    async def send_json_to(self, data):
        await self.send_input({"type": "websocket.receive", "text": json.dumps(data)})

    async def receive_json_from(self, timeout=5):
        response = await self.receive_output(timeout)
        return json.loads(response["text"])

    async def disconnect(self, code=1000, timeout=5):
        await self.send_input({"type": "websocket.disconnect", "code": code})
        await self.wait(timeout)


def communicator(case, user, *, send=False):
    path = f"/ws/teleconsult/cases/{case.pk}/live/" + ("?role=send" if send else "")
    socket = WebsocketCommunicator(APP, path)
    socket.scope["user"] = user
    return socket


def test_a_stream_reaches_the_viewers_and_is_saved(cast, tele):
    case = open_case(cast, tele)
    record = read_ecg(files("wfdb/test01_00s.hea", "wfdb/test01_00s.dat"))  # 4 leads, 500 Hz, 8 s

    async def scenario():
        viewers = [communicator(case, cast.consultant_b), communicator(case, cast.coordinator)]
        for v in viewers:
            assert (await v.connect())[0]
        sender = communicator(case, cast.clinician_a, send=True)
        assert (await sender.connect())[0]
        sent = await replay(record, sender.send_json_to, speed=0)
        received = []
        for v in viewers:
            start = await v.receive_json_from(timeout=5)
            samples = 0
            while True:
                message = await v.receive_json_from(timeout=5)
                if message["type"] == "saved":
                    break
                samples += len(message["samples"][0])
            received.append((start["leads"], samples, message["attachment"]))
        saved = await sender.receive_json_from(timeout=5)
        for socket in (*viewers, sender):
            await socket.disconnect()
        return sent, received, saved

    sent, received, saved = run(scenario)
    attachment = Attachment.objects.get()
    assert sent == 4000
    assert received == [(["ECG 1", "ECG 2", "ECG 3", "ECG 4"], 4000, attachment.pk)] * 2
    assert saved == {"type": "saved", "attachment": attachment.pk}
    assert (attachment.kind, attachment.meta["samples"], attachment.meta["sampling_rate"]) == ("live", 4000, 500.0)
    stored = EcgRecord.from_npz(attachment_data(attachment))
    assert np.allclose(stored.signals, record.signals, atol=5e-5)  # sent rounded to 0.1 µV


@pytest.mark.parametrize(("who", "send"), [("outsider", False), ("analyst", False), ("consultant_b", True)])
def test_others_cannot_join(cast, tele, who, send):
    case = open_case(cast, tele)

    async def scenario():
        socket = communicator(case, getattr(cast, who), send=send)
        connected, code = await socket.connect()
        await socket.disconnect()
        return connected, code

    assert run(scenario) == (False, 4403)


def test_anonymous_cannot_join(cast, tele):
    from django.contrib.auth.models import AnonymousUser

    case = open_case(cast, tele)

    async def scenario():
        socket = communicator(case, AnonymousUser())
        return (await socket.connect())

    assert run(scenario) == (False, 4403)


def test_bad_messages_are_answered_not_crashed_on(cast, tele):
    case = open_case(cast, tele)

    async def scenario():
        sender = communicator(case, cast.clinician_a, send=True)
        await sender.connect()
        answers = []
        for message in ({"type": "chunk", "samples": [[1]]}, {"type": "start", "leads": "II", "sampling_rate": 500},
                        {"type": "start", "leads": ["II"], "sampling_rate": 500},
                        {"type": "chunk", "samples": [[1, 2], [3, 4]]}, {"type": "dance"}):
            await sender.send_json_to(message)
            if message["type"] != "start" or message["leads"] == "II":
                answers.append((await sender.receive_json_from(timeout=5))["message"])
        await sender.disconnect()
        return answers

    assert run(scenario) == [
        "send start first", "leads must be a list of 1 to 16 names",
        "samples must hold one row per lead, at most 2 s per chunk", "unknown message type"]
    assert Attachment.objects.count() == 0


def test_buffer_and_chunks():
    with pytest.raises(LiveRefused):
        LiveBuffer(["II"], 10)
    buffer = LiveBuffer(["I", "II"], 500)
    with pytest.raises(LiveRefused):
        buffer.add([[1.0, float("nan")], [1.0, 2.0]])
    record = EcgRecord(format="x", sampling_rate=500.0, leads=["I"], signals=np.zeros((1, 1234), dtype=np.float32))
    assert [c.shape[1] for c in chunks(record)] == [50] * 24 + [34]
