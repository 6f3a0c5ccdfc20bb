"""Template filters every page uses: dates and numbers in the reader's conventions."""

from django import template
from django.utils.translation import get_language

from caravan.core.formats import format_day, format_number

register = template.Library()


@register.filter
def day(value):
    """A date in the reader's calendar (Jalali for Persian)."""
    return format_day(value, get_language())


@register.filter
def num(value, digits=None):
    """A number with the reader's separators and digits."""
    return format_number(value, get_language(), digits=None if digits in (None, "") else int(digits))


@register.simple_tag(takes_context=True)
def query_with(context, **kwargs):
    """The current query string with some parameters replaced (for pagination and filters)."""
    params = context["request"].GET.copy()
    for key, value in kwargs.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"
