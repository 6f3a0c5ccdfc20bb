"""Agreements in a real browser: a tripartite agreement with commitments, a visit that moves its fulfilment,
the network graph whose lines open their agreement, and the printed itinerary in the visitors' language."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from caravan.partnerships import services, visit_services
from caravan.partnerships.models import Agreement, Visit

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_tripartite_agreement_with_commitments_then_a_visit_moves_its_fulfilment(cast, page, login):
    login("coordinator")
    page.goto(page.base_url + "/agreements/new/")
    page.get_by_label("Kind").select_option("mou")
    page.get_by_label("Reference code").fill("HB-SD-GC-1")
    page.get_by_label("Title", exact=True).fill("Tripartite support for Gangcha")
    page.get_by_label("Start").fill("2024-01-01")
    page.get_by_label("End").fill(f"{timezone.localdate().year + 2}-12-31")
    page.get_by_role("checkbox", name="Training", exact=True).check()
    page.get_by_label("Organisation of party 1").select_option(label="Haibei Health Commission")
    page.get_by_label("Role of party 1").select_option("lead")
    page.get_by_label("Organisation of party 2").select_option(label="Shandong Provincial Health Commission")
    page.get_by_label("Organisation of party 3").select_option(label="Gangcha County People's Hospital")
    page.get_by_label("Role of party 3").select_option("recipient")
    page.get_by_label("Metric of commitment 1").select_option("visits")
    page.get_by_label("Target of commitment 1").fill("4")
    page.get_by_label("Period of commitment 1").select_option("year")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/agreements/*/")

    agreement = Agreement.objects.get(code="HB-SD-GC-1")
    assert agreement.parties.count() == 3
    assert page.get_by_test_id("party-row").count() == 3
    year = timezone.localdate().year
    figure = page.locator(f'[data-metric="visits"] [data-period="{year}"] [data-testid="progress-figure"]')
    assert figure.inner_text() == "0 / 4"

    # Record a held visit citing the agreement; its fulfilment moves.
    page.goto(page.base_url + "/agreements/visits/new/")
    page.get_by_label("Title", exact=True).fill("Shandong team at Gangcha")
    today = timezone.localdate().isoformat()
    page.get_by_label("First day").fill(today)
    page.get_by_label("Last day").fill(today)
    page.get_by_label("Agreement").select_option(label="HB-SD-GC-1 · Tripartite support for Gangcha")
    page.get_by_label("Local time zone").select_option("Asia/Shanghai")
    page.get_by_label("Status").select_option("held")
    page.get_by_label("Visiting organisations").select_option(label="Shandong Provincial Health Commission")
    page.get_by_label("Host organisations").select_option(label="Gangcha County People's Hospital")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/agreements/visits/*/")
    page.get_by_label("Starts at (local time)").fill(f"{today}T09:30")
    page.get_by_label("Facility").select_option(label="Gangcha County People's Hospital")
    page.get_by_label("Topic", exact=True).fill("Labour analgesia")
    page.get_by_role("button", name="Add stop").click()
    page.wait_for_url("**#itinerary")
    assert page.get_by_test_id("stop").inner_text().count("09:30") == 1
    assert Visit.objects.get().stops.count() == 1

    page.goto(page.base_url + f"/agreements/{agreement.pk}/")
    assert figure.inner_text() == "1 / 4"
    assert page.get_by_test_id("activities").first.inner_text().endswith("Visit: Shandong team at Gangcha")


def test_a_target_below_zero_is_refused_in_the_browser(cast, page, login):
    agreement = services.agreement_create(by=cast.coordinator, data={
        "code": "SD-HB", "title": "Shandong–Haibei", "start": date(2018, 5, 1),
        "parties": [{"organisation": cast.haibei}, {"organisation": cast.shandong}]})
    login("coordinator")
    page.goto(page.base_url + f"/agreements/{agreement.pk}/")
    page.get_by_label("Metric").select_option("people_trained")
    page.get_by_label("Target").fill("-5")
    page.get_by_role("button", name="Add commitment").click()
    assert page.locator('[data-field-error="target"]').inner_text() == "A commitment's target cannot be below zero."
    assert agreement.commitments.count() == 0


def test_clicking_a_line_of_the_network_opens_its_agreement(cast, page, login):
    agreement = services.agreement_create(by=cast.coordinator, data={
        "code": "SD-HB", "title": "Shandong–Haibei", "start": date(2018, 5, 1),
        "parties": [{"organisation": cast.haibei}, {"organisation": cast.shandong}]})
    login("coordinator")
    page.goto(page.base_url + "/agreements/network/")
    page.wait_for_selector('#network-chart[data-ready="true"]')
    # Where ECharts drew the line between the two organisations; a node's label may lie across part of it,
    # so hover along the line, as a user would, until the tooltip names the agreement, then click there.
    points = page.evaluate("""() => {
        const chart = echarts.getInstanceByDom(document.getElementById('network-chart'));
        const data = chart.getModel().getSeriesByIndex(0).getData();
        const a = chart.convertToPixel({seriesIndex: 0}, data.getItemLayout(0));
        const b = chart.convertToPixel({seriesIndex: 0}, data.getItemLayout(1));
        return [0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8].map(t => [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])]);
    }""")
    box = page.locator("#network-chart").bounding_box()
    tooltip = page.locator("#network-chart > div").filter(has_text="Shandong–Haibei")
    for x, y in points:
        page.mouse.move(box["x"] + x, box["y"] + y)
        try:
            tooltip.wait_for(state="visible", timeout=1000)
        except PlaywrightTimeout:
            continue
        page.mouse.click(box["x"] + x, box["y"] + y)
        break
    page.wait_for_url(f"**/agreements/{agreement.pk}/")
    assert page.locator("h1").inner_text() == "Shandong–Haibei"


def test_the_itinerary_prints_in_the_visitors_language(cast, page, login, artifacts):
    visit = visit_services.visit_create(by=cast.node_admin, data={
        "title": "Tajik delegation in Sari", "title_local": "بازدید هیئت تاجیکستان از ساری", "start": date(2024, 5, 6),
        "end": date(2024, 5, 6), "time_zone": "Asia/Tehran", "language": "fa", "status": "held",
        "visiting": [cast.haibei], "hosts": [cast.mazandaran],
        "stops": [{"starts_at": datetime(2024, 5, 6, 9, 0, tzinfo=ZoneInfo("Asia/Tehran")), "facility": cast.sari,
                   "topic": "Oncology ward", "topic_local": "بخش آنکولوژی"}],
    })
    login("outsider")
    page.goto(page.base_url + f"/agreements/visits/{visit.pk}/print/")
    assert page.locator("html").get_attribute("lang") == "fa"
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("h1").inner_text() == "بازدید هیئت تاجیکستان از ساری"
    row = page.get_by_test_id("print-itinerary").locator("tbody tr").nth(1)
    assert "09:00" in row.inner_text() and "بخش آنکولوژی" in row.inner_text()
    page.emulate_media(media="print")
    assert page.locator(".actions").is_hidden()
    page.pdf(path=str(artifacts / "visit-itinerary-fa.pdf"))
