"""The engine on small known data: the records, the dated tree, materialisation."""

from caravan.indicators import rebuild, services
from caravan.indicators.models import Indicator, IndicatorValue

from .conftest import value


def test_doctors_and_beds_per_ten_thousand_by_region_and_year(built):
    c = built.cast
    # 3 doctors on 31 Dec 2024 in Qinghai (the fourth left in June) of 100,000 people.
    assert value("doctors_per_10k", region=c.qinghai) == 0.3
    # 2023: all four counted, of 80,000.
    assert value("doctors_per_10k", region=c.qinghai, period="2023") == 0.5
    assert value("doctors_per_10k", region=c.haibei_region) == 1.0
    assert value("nurses_per_10k", region=c.haibei_region) == 0.3
    assert value("beds_per_10k", region=c.qinghai) == 312.0
    assert value("beds_per_10k", region=c.haibei_region) == 40.0
    row = IndicatorValue.objects.get(indicator__code="beds_per_10k", region=c.qinghai, period="2024")
    assert (row.numerator, row.denominator, row.period_kind) == (3120.0, 100_000.0, "year")


def test_a_zero_denominator_is_no_data(built):
    c = built.cast
    row = IndicatorValue.objects.get(indicator__code="beds_per_10k", region=c.mazandaran_region, period="2024")
    assert (row.numerator, row.denominator, row.value) == (450.0, 0.0, None)
    # A region without any population is no data too, not an error.
    row = IndicatorValue.objects.get(indicator__code="beds_per_10k", region=c.gangcha_county, period="2024")
    assert (row.numerator, row.denominator, row.value) == (120.0, None, None)


def test_a_merged_province_shows_its_history_and_the_successor_the_sum_after(built):
    c, haidong = built.cast, built.haidong
    assert value("beds_per_10k", region=haidong, period="2024") == 250.0  # 500 / 20,000
    assert value("beds_per_10k", region=haidong, period="2025") is None  # it no longer stands
    assert not IndicatorValue.objects.filter(region=haidong, period="2025").exists()
    # Qinghai after 1 July 2025: 3,120 + 500 beds of 100,000 + 20,000 people.
    row = IndicatorValue.objects.get(indicator__code="beds_per_10k", region=c.qinghai, period="2025")
    assert (row.numerator, row.denominator, row.value) == (3620.0, 120_000.0, 301.7)
    # Doctors: the three of Gangcha and Haidong's one.
    assert IndicatorValue.objects.get(indicator__code="doctors_per_10k", region=c.qinghai,
                                      period="2025").numerator == 4.0
    # China counts Haidong in both years, once.
    assert IndicatorValue.objects.get(indicator__code="beds_per_10k", region=c.china,
                                      period="2024").numerator == 3620.0


def test_communes_and_digital_facilities(built):
    c = built.cast
    c.gangcha_county.meets_commune_criteria = True
    c.gangcha_county.save(update_fields=["meets_commune_criteria"])
    c.gangcha.has_emr = True
    c.gangcha.save(update_fields=["has_emr"])
    rebuild.rebuild_all(first=2024, last=2024)
    assert value("communes_meeting_criteria", region=c.haibei_region) == 100.0
    assert value("facilities_emr", region=c.qinghai) == 50.0  # Gangcha of Gangcha and Liaocheng
    assert value("facilities_emr", region=c.mazandaran_region) == 0.0


def test_programme_indicators_come_from_the_agreement_metrics(built):
    c = built.cast
    assert value("agreements_active", network=c.network) == 1.0
    assert value("agreements_active", network=c.network, period="2024-Q2") == 1.0
    assert value("visits", network=c.network) == 1.0  # the held one; the planned one does not count
    assert value("visits", network=c.network, period="2024-Q3") == 0.0
    assert value("agreements_active", network=c.other_network) is None


def test_two_rebuilds_write_identical_rows(built):
    def rows():
        return list(IndicatorValue.objects.order_by("indicator__code", "region_id", "network_id", "period")
                    .values_list("indicator__code", "region_id", "network_id", "period", "period_kind", "period_end",
                                 "numerator", "denominator", "value"))

    first = rows()
    assert len(first) > 100
    rebuild.rebuild_all(first=2023, last=2025)
    assert rows() == first


def test_data_values_count_once_approved(health):
    c = health.cast
    services.data_value_set(by=c.coordinator, element="insured_visits", region=c.qinghai, period="2024", value="1000")
    dv = services.data_value_set(by=c.coordinator, element="insured_visits_citizen_id", region=c.qinghai,
                                 period="2024", value="842.1")
    rebuild.rebuild_all(first=2024, last=2024)
    assert value("insured_visits_citizen_id", region=c.qinghai) is None
    services.data_values_approve(by=c.coordinator, ids=[dv.pk])
    rebuild.rebuild_all(first=2024, last=2024)
    assert value("insured_visits_citizen_id", region=c.qinghai) is None  # the denominator still waits
    from caravan.indicators.models import DataValue

    services.data_values_approve(by=c.coordinator, ids=list(DataValue.objects.values_list("pk", flat=True)))
    rebuild.rebuild_all(first=2024, last=2024)
    assert value("insured_visits_citizen_id", region=c.qinghai) == 84.21


def test_a_user_defined_indicator_is_computed_like_a_builtin(health):
    c = health.cast
    services.indicator_create(by=c.analyst, data={"code": "beds_per_doctor", "name": "Beds per doctor",
                                                  "numerator": "beds", "denominator": "doctors", "decimals": 0})
    rebuild.rebuild_all(first=2024, last=2024)
    assert value("beds_per_doctor", region=c.qinghai) == 1040.0  # 3,120 / 3
    assert Indicator.objects.get(code="beds_per_doctor").network == c.network


def test_rebuild_job_records_progress(health):
    from caravan.indicators.models import RebuildJob

    job = RebuildJob.objects.create(total=0)
    written = rebuild.run_job(job.pk)
    job.refresh_from_db()
    assert (job.status, job.done, job.total, job.values_written, job.percent) == (
        "done", Indicator.objects.count(), Indicator.objects.count(), written, 100)
    assert written == IndicatorValue.objects.count()
