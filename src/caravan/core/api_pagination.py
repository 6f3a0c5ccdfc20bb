"""One page shape for every API list: {"count", "page", "page_size", "items"}.

A list endpoint takes a query schema derived from `PageQuery`, declares
`response=page_of(ItemOut)` and returns `paginate(queryset, query)`. Each page
costs one COUNT and one SELECT (plus the queryset's own prefetches), whatever
its size.
"""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from ninja import Field, Schema
from pydantic import create_model

_page_schemas: dict[type, type[Schema]] = {}


class PageQuery(Schema):
    """The paging parameters every list accepts; a value out of range is a 422 naming the field."""

    page: int = Field(1, ge=1, description="The page to return, counting from 1.")
    page_size: int = Field(
        settings.CARAVAN_PAGE_SIZE,
        ge=1,
        le=settings.CARAVAN_API_PAGE_SIZE_MAX,
        description=f"Rows per page, at most {settings.CARAVAN_API_PAGE_SIZE_MAX}.",
    )


def page_of(item: type[Schema]) -> type[Schema]:
    """The response schema of a page of `item` rows, named `<Item>Page` in the OpenAPI document."""
    schema = _page_schemas.get(item)
    if schema is None:
        name = item.__name__.removesuffix("Out") + "Page"
        schema = create_model(
            name,
            __base__=Schema,
            count=(int, Field(..., description="Rows matching the filters, over all pages.")),
            page=(int, ...),
            page_size=(int, ...),
            items=(list[item], ...),
        )
        _page_schemas[item] = schema
    return schema


def paginate(queryset: QuerySet, query: PageQuery, *, row: Callable[[Any], Any] | None = None) -> dict:
    """The requested page of `queryset`; a page past the end is empty, with the true count."""
    count = queryset.count()
    start = (query.page - 1) * query.page_size
    rows = list(queryset[start:start + query.page_size]) if start < count else []
    return {
        "count": count,
        "page": query.page,
        "page_size": query.page_size,
        "items": [row(r) for r in rows] if row else rows,
    }
