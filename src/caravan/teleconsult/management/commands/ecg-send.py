"""`caravan ecg-send FILE [FILE …] --case N`: stream an ECG file to a case in real time, as an ECG cart would.

It connects to the live-ECG WebSocket of a running Caravan (--url) with an API
token (--token or CARAVAN_API_TOKEN) of a user on the requesting side of the case.
"""

import asyncio
import json
import os
from pathlib import Path
from urllib.parse import urlparse

from django.core.management.base import BaseCommand, CommandError

from caravan.teleconsult.ecg import EcgRefused, read_ecg
from caravan.teleconsult.replay import replay


class Command(BaseCommand):
    help = "Replay an ECG file (WFDB, DICOM, HL7 aECG, CSV) to a case's live stream at real speed."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", help="The file, or a WFDB header with its data files.")
        parser.add_argument("--case", type=int, required=True)
        parser.add_argument("--url", default="ws://127.0.0.1:8000")
        parser.add_argument("--token", default=os.environ.get("CARAVAN_API_TOKEN", ""))
        parser.add_argument("--speed", type=float, default=1.0, help="1 is real time; 0 sends as fast as possible.")
        parser.add_argument("--seconds", type=float, default=0, help="Send only the first N seconds.")
        parser.add_argument("--rate", type=float, default=None, help="Sampling rate of a text file without one.")

    def handle(self, *args, **options):
        files = {}
        for name in options["files"]:
            path = Path(name)
            files[path.name] = path.read_bytes()
            if path.suffix == ".hea":  # bring the data files the header names from the same folder
                for line in path.read_text().splitlines()[1:]:
                    parts = line.split()
                    if parts and not line.startswith("#") and (path.parent / parts[0]).is_file():
                        files.setdefault(parts[0], (path.parent / parts[0]).read_bytes())
        try:
            record = read_ecg(files, sampling_rate=options["rate"])
        except EcgRefused as exc:
            raise CommandError(exc.message) from None
        if options["seconds"]:
            record.signals = record.signals[:, : int(options["seconds"] * record.sampling_rate)]
        if not options["token"]:
            raise CommandError("Give an API token with --token or CARAVAN_API_TOKEN.")
        sent = asyncio.run(self._stream(record, options))
        self.stdout.write(f"Sent {sent} samples × {record.lead_count} leads to case {options['case']}.")

    async def _stream(self, record, options) -> int:
        import websockets

        base = urlparse(options["url"])
        origin = f"{'https' if base.scheme == 'wss' else 'http'}://{base.netloc}"
        url = f"{options['url'].rstrip('/')}/ws/teleconsult/cases/{options['case']}/live/?role=send"
        headers = {"Authorization": f"Bearer {options['token']}"}
        async with websockets.connect(url, additional_headers=headers, origin=origin) as socket:
            sent = await replay(record, lambda m: socket.send(json.dumps(m)), speed=options["speed"])
            # Wait for the server to say the recording was saved before hanging up.
            async for raw in socket:
                if json.loads(raw).get("type") in ("saved", "error"):
                    break
        return sent
