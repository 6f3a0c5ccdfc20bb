"""Indicators over HTTP at /api/v1/indicators/: definitions, values by region and period, data-value import."""

from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from caravan.core.api_pagination import PageQuery, page_of, paginate
from caravan.core.errors import ValidationFailed

from . import imports, periods, selectors, services
from .models import DataValue, Indicator
from .schemas import (
    DataValueOut,
    DataValueQuery,
    ImportIn,
    ImportOut,
    ImportRowOut,
    IndicatorIn,
    IndicatorOut,
    ValueOut,
    ValueQuery,
)

router = Router(tags=["indicators"])


@router.get("/", response=page_of(IndicatorOut), summary="Indicator definitions the caller sees")
def indicator_list(request, query: Query[PageQuery]):
    ids = [i.pk for i in selectors.indicator_list_for_user(user=request.auth)]
    return paginate(Indicator.objects.filter(pk__in=ids).order_by("-builtin", "scope", "code"), query)


@router.post("/", response={201: IndicatorOut}, summary="Define an indicator from the available sources")
def indicator_create(request, payload: IndicatorIn):
    return Status(201, services.indicator_create(by=request.auth, data=payload.dict()))


@router.get("/data-values", response=page_of(DataValueOut), summary="Data values of the regions the caller sees")
def data_value_list(request, query: Query[DataValueQuery]):
    status = query.status if query.status in DataValue.Status.values else None
    return paginate(selectors.data_value_list_for_user(user=request.auth, status=status), query)


def _rows(preview: imports.Preview) -> list[ImportRowOut]:
    return [ImportRowOut(line=r.line, element=r.element, region=r.region_code, period=r.period, value=r.raw_value,
                         errors=r.errors, replaces=r.replaces) for r in preview.rows]


@router.post("/data-values/import", response={200: ImportOut, 201: ImportOut},
             summary="Import data values from CSV text: all rows or none; dry_run previews")
def data_value_import(request, payload: ImportIn):
    preview = imports.preview(by=request.auth, text=payload.csv)
    if payload.dry_run:
        return Status(200, ImportOut(imported=0, rows=_rows(preview), file_errors=preview.file_errors))
    if preview.file_errors:
        raise ValidationFailed(fields={"csv": preview.file_errors})
    if preview.error_count:
        raise ValidationFailed(code="rows", fields={
            f"line {r.line}": r.errors for r in preview.rows if r.errors})
    n = imports.run(by=request.auth, text=payload.csv, replace=payload.replace)
    return Status(201, ImportOut(imported=n, rows=_rows(preview), file_errors=[]))


@router.get("/{code}", response=IndicatorOut, summary="One indicator definition")
def indicator_detail(request, code: str):
    return selectors.indicator_get_for_user(user=request.auth, code=code)


@router.get("/{code}/values", response=page_of(ValueOut), summary="Values by region (or programme) and period")
def indicator_values(request, code: str, query: Query[ValueQuery]):
    indicator = selectors.indicator_get_for_user(user=request.auth, code=code)
    region = None
    if query.region:
        region = selectors.region_get_for_user(user=request.auth, code=query.region)
    if query.kind and query.kind not in periods.KINDS:
        raise ValidationFailed.field("kind", _("Choose year, quarter or month."))
    period = None
    if query.period:
        try:
            period = periods.parse(query.period).code
        except ValueError:
            raise ValidationFailed.field(
                "period", _("“%(period)s” is not a period: write 2024, 2024-Q2 or 2024-03.") % {"period": query.period}
            ) from None
    qs = selectors.indicator_values(user=request.auth, indicator=indicator, region=region, kind=query.kind,
                                    period=period)
    return paginate(qs, query)
