"""Teleconsultation in a real browser: Gangcha opens a case with MIT-BIH record 100, the coordinator assigns it,
a Liaocheng consultant reads the ECG on paper and signs a report, and the requester is told, reads it and confirms.
A second test streams a live ECG from one browser and watches it draw in another."""

import re

import pytest

from caravan.teleconsult.models import Attachment, Case, Report
from tests.teleconsult.conftest import ACCEPTANCE, _media, tele  # noqa: F401 — fixtures

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in_as(page, login, username):
    page.context.clear_cookies()
    login(username)


def test_a_case_with_record_100_goes_to_a_consultant_and_back(cast, tele, page, login):  # noqa: F811
    sign_in_as(page, login, "clinician_a")
    page.goto(page.base_url + "/teleconsult/")
    page.get_by_role("link", name="Open a case").click()
    page.get_by_label("Agreement").select_option(str(tele.agreement.pk))
    page.get_by_label("Requesting facility").select_option(str(cast.gangcha.pk))
    page.get_by_label("Patient's local identifier").fill("GC-2024-0100")
    page.get_by_label("Age (years)").fill("69")
    page.get_by_label("Sex").select_option("male")
    page.get_by_label("Specialty wanted").select_option(str(tele.cardiology.pk))
    page.get_by_label("Urgency").select_option("urgent")
    page.get_by_label("Clinical question").fill("Irregular pulse on the ward. Please read the Holter strip.")
    page.get_by_role("button", name="Open the case").click()
    page.wait_for_url(re.compile(r".*/teleconsult/cases/\d+/$"))
    case = Case.objects.get()
    assert page.get_by_test_id("consultant").inner_text() == "consultant_b"

    page.get_by_label("ECG or DICOM file(s)").set_input_files(
        [str(ACCEPTANCE / "wfdb" / "100.hea"), str(ACCEPTANCE / "wfdb" / "100.dat")])
    page.get_by_role("button", name="Attach").click()
    page.get_by_role("link", name="100.zip").wait_for()
    assert Attachment.objects.get().meta["r_peaks"] == 2273

    # The coordinator hands the case to the other cardiologist.
    sign_in_as(page, login, "coordinator")
    page.goto(page.base_url + f"/teleconsult/cases/{case.pk}/")
    page.get_by_label("Consultant").select_option(str(tele.backup.pk))
    page.get_by_role("button", name="Assign").click()
    page.get_by_test_id("consultant").filter(has_text="consultant_c").wait_for()

    sign_in_as(page, login, "consultant_c")
    page.goto(page.base_url + "/teleconsult/?queue=1")
    page.get_by_role("link", name=case.reference).click()
    page.get_by_role("link", name="100.zip").click()
    rate = page.get_by_test_id("heart-rate")
    rate.filter(has_text=re.compile(r"^\d+$")).wait_for()
    assert rate.inner_text() == "75"
    canvas = page.get_by_test_id("ecg-canvas")
    # 10 s at 25 mm/s is 250 mm of paper, whatever the screen.
    assert canvas.evaluate("c => c.style.width") == "250mm"
    box = canvas.bounding_box()
    canvas.click(position={"x": 100, "y": 40})
    canvas.click(position={"x": 100 + box["width"] / 10, "y": 40})  # one tenth of the strip: 1 s
    # Clicks land on whole pixels (0.26 mm each at this zoom): the reading is 1 s to within 2 px.
    caliper = page.get_by_test_id("caliper")
    assert abs(int(caliper.get_attribute("data-ms")) - 1000) <= 21
    assert caliper.inner_text().endswith(" ms · 0.00 mV")

    page.go_back()
    page.get_by_role("button", name="Start review").click()
    page.get_by_test_id("status").filter(has_text="In review").wait_for()
    page.get_by_label("Findings").fill("Sinus rhythm 75/min with isolated atrial and ventricular premature beats.")
    page.get_by_label("Impression").fill("Sinus rhythm with occasional APBs and one PVC; no sustained arrhythmia.")
    page.get_by_label("Recommendation").fill("No treatment needed; check electrolytes.")
    page.get_by_role("button", name="Sign the report").click()
    page.get_by_test_id("status").filter(has_text="Answered").wait_for()

    # The requester is told: a notice in the app leads back to the case.
    sign_in_as(page, login, "clinician_a")
    page.goto(page.base_url + "/teleconsult/")
    page.get_by_role("link", name="Notices").click()
    assert page.get_by_test_id("notice").count() == 1
    page.get_by_role("link", name=f"{case.reference}: the consultant's report is signed").click()
    page.wait_for_url(page.base_url + f"/teleconsult/cases/{case.pk}/")
    assert page.get_by_test_id("received").inner_text() == (
        "Not yet: the requester has not confirmed reading the answer.")
    assert page.get_by_test_id("impression").inner_text() == (
        "Sinus rhythm with occasional APBs and one PVC; no sustained arrhythmia.")
    page.get_by_role("button", name="Confirm receipt").click()
    page.get_by_test_id("status").filter(has_text="Closed").wait_for()
    case.refresh_from_db()
    assert (case.status, Report.objects.get().signed_by) == ("closed", tele.backup)
    assert case.received_at is not None and page.get_by_test_id("received").is_visible()


# --- Live ECG on a second browser ---------------------------------------------------------------------------------
# pytest-django's live server speaks WSGI only, so the live page runs against the real ASGI stack (Django's HTTP
# handler plus Channels' WebSocket router) served by uvicorn in a thread of this process, on the same test database.

@pytest.fixture
def asgi_url():
    import socket
    import threading
    import time

    import uvicorn
    from channels.auth import AuthMiddlewareStack
    from channels.routing import ProtocolTypeRouter, URLRouter
    from channels.security.websocket import AllowedHostsOriginValidator
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
    from django.core.asgi import get_asgi_application

    from caravan.routing import websocket_urlpatterns

    application = ProtocolTypeRouter({
        # Static files from the apps' folders, as the WSGI live server serves them.
        "http": ASGIStaticFilesHandler(get_asgi_application()),
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    })
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(application, host="127.0.0.1", port=port, lifespan="off",
                                           log_level="warning", ws="websockets-sansio"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(500):  # until the socket listens; no wall-clock limit on the test itself
        if server.started:
            break
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join()


@pytest.fixture
def signed_in(browser, asgi_url):
    """`signed_in(username)`: a browser context of its own, signed in on the ASGI server; closed after the test."""
    from tests.conftest import PASSWORD

    contexts = []

    def open_as(username):
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.goto(asgi_url + "/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(asgi_url + "/")
        return page

    yield open_as
    for context in contexts:
        context.close()


def test_the_live_stream_shows_on_a_second_browser(cast, tele, asgi_url, signed_in):  # noqa: F811
    from caravan.teleconsult import services
    from tests.teleconsult.conftest import files, open_case

    case = open_case(cast, tele)
    # An 8 s, 4-lead, 500 Hz recording: the sender page replays it at real speed.
    source = services.attachment_add(by=cast.clinician_a, case=case,
                                     files=files("wfdb/test01_00s.hea", "wfdb/test01_00s.dat"))
    live = f"{asgi_url}/teleconsult/cases/{case.pk}/live/"

    watcher = signed_in("consultant_b")  # the Liaocheng cardiologist watches
    watcher.goto(live)
    viewer = watcher.locator("[data-live-viewer]")
    watcher.locator("[data-live-viewer][data-state='open']").wait_for()
    assert watcher.get_by_test_id("live-status").inner_text() == "Waiting for a stream…"
    assert watcher.get_by_role("button", name="Start streaming").count() == 0  # consultants only watch

    sender = signed_in("clinician_a")  # Gangcha streams from the ward
    sender.goto(live)
    sender.locator("[data-live-viewer][data-state='open']").wait_for()
    sender.get_by_label("Stream this recording at real speed").select_option(label=source.name)
    sender.get_by_role("button", name="Start streaming").click()

    # While the stream runs, the second browser draws it.
    watcher.get_by_test_id("live-status").filter(has_text="Live").wait_for()
    watcher.wait_for_function("() => Number(document.querySelector('[data-live-viewer]').dataset.received) >= 500")
    # The stream ends after 8 s, is saved on the server, and the watcher hears of it.
    watcher.locator("[data-live-viewer][data-saved]").wait_for()
    sender.locator("[data-live-sender][data-saved]").wait_for()
    saved = Attachment.objects.get(kind="live")
    assert viewer.get_attribute("data-saved") == str(saved.pk)
    assert viewer.get_attribute("data-received") == "4000"  # every sample, in order, on the second browser
    assert (saved.meta["samples"], saved.meta["leads"]) == (4000, ["ECG 1", "ECG 2", "ECG 3", "ECG 4"])
    assert watcher.get_by_test_id("live-status").inner_text() == "The stream ended and was saved to the case."
    # The trace is on the paper: dark ink pixels, not only the pink grid.
    ink = watcher.get_by_test_id("live-canvas").evaluate("""c => {
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 0; i < d.length; i += 4) if (d[i] < 80 && d[i + 1] < 80 && d[i + 2] < 80) n++;
        return n;
    }""")
    assert ink > 1000
    # The 10 s window of four 1-lead rows: 250 mm of paper, whatever the screen.
    assert watcher.get_by_test_id("live-canvas").evaluate("c => c.style.width") == "250mm"
