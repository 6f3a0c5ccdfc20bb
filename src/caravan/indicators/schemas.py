"""The shapes of the indicators API."""

from datetime import date

from ninja import Field, Schema

from caravan.core.api_pagination import PageQuery


class IndicatorOut(Schema):
    code: str
    name: str
    description: str
    scope: str
    numerator: str
    denominator: str
    factor: int
    unit: str
    decimals: int
    periodicity: str
    baseline: date | None
    builtin: bool

    @staticmethod
    def resolve_name(obj) -> str:
        return str(obj.label)

    @staticmethod
    def resolve_description(obj) -> str:
        return str(obj.explanation)


class IndicatorIn(Schema):
    code: str = Field(..., max_length=64)
    name: str = Field(..., max_length=200)
    description: str = ""
    scope: str = "region"
    numerator: str = Field(..., max_length=64)
    denominator: str = Field("", max_length=64)
    factor: int = 1
    unit: str = Field("", max_length=64)
    decimals: int = 1
    periodicity: str = "year"
    baseline: date | None = None


class ValueQuery(PageQuery):
    region: str | None = Field(None, description="A region code; its values only.")
    kind: str | None = Field(None, description="year, quarter or month.")
    period: str | None = Field(None, description="2024, 2024-Q2 or 2024-03.")


class ValueOut(Schema):
    region: str | None
    programme: str | None
    period: str
    period_end: date
    numerator: float | None
    denominator: float | None
    value: float | None = Field(..., description="null is “no data” (a zero or missing denominator).")

    @staticmethod
    def resolve_region(obj) -> str | None:
        return obj.region.code if obj.region_id else None

    @staticmethod
    def resolve_programme(obj) -> str | None:
        return obj.network.code if obj.network_id else None


class DataValueOut(Schema):
    id: int
    element: str
    region: str
    period: str
    value: float
    status: str

    @staticmethod
    def resolve_region(obj) -> str:
        return obj.region.code


class DataValueQuery(PageQuery):
    status: str | None = None


class ImportIn(Schema):
    csv: str = Field(..., description="CSV text with the columns element, region, period, value.")
    replace: bool = Field(False, description="Replace values already recorded for the same region and period.")
    dry_run: bool = Field(False, description="Only check the rows and answer the preview.")


class ImportRowOut(Schema):
    line: int
    element: str
    region: str
    period: str
    value: str
    errors: list[str]
    replaces: float | None


class ImportOut(Schema):
    imported: int
    rows: list[ImportRowOut]
    file_errors: list[str]
