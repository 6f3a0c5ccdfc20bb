"""Replaying a recorded ECG as a live stream, chunk by chunk at the speed it was recorded."""

import asyncio
import time

from .ecg import EcgRecord


def chunks(record: EcgRecord, *, chunk_s: float = 0.1):
    """The record cut into consecutive blocks of `chunk_s` seconds (rounded to whole samples)."""
    step = max(1, int(round(chunk_s * record.sampling_rate)))
    for first in range(0, record.sample_count, step):
        yield record.signals[:, first : first + step]


async def replay(record: EcgRecord, send_json, *, chunk_s: float = 0.1, speed: float = 1.0) -> int:
    """Send start, the chunks at real speed (`speed` 2 is twice as fast, 0 as fast as possible), then stop."""
    await send_json({"type": "start", "leads": record.leads, "sampling_rate": record.sampling_rate})
    began = time.monotonic()
    sent = 0
    for block in chunks(record, chunk_s=chunk_s):
        if speed > 0:
            due = began + sent / record.sampling_rate / speed
            await asyncio.sleep(max(0.0, due - time.monotonic()))
        await send_json({"type": "chunk", "samples": [[round(float(v), 4) for v in row] for row in block],
                         "sent_at": time.time() * 1000})
        sent += block.shape[1]
    await send_json({"type": "stop"})
    return sent
