"""Stand-ins for registry pages that are not written yet, so the benchmark can still measure them.

Each one takes the path the real page will take: the selector, the shared
pagination, a template extending base.html (or a JSON body), through the whole
middleware stack. The benchmark uses a stand-in only when the real page does not
answer with the rows it should, and says so in its results.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse, JsonResponse
from django.template import engines
from django.urls import path
from django.utils import timezone

import caravan.urls
from caravan.core.access import access_for
from caravan.core.errors import NotFound
from caravan.core.pagination import page_of
from caravan.core.text import fold
from caravan.registry import selectors
from caravan.registry.models import Facility, Practitioner

_django = engines["django"]

FACILITY_LIST = _django.from_string("""{% extends "base.html" %}{% load i18n %}
{% block content %}
<h1 class="h3">Facilities</h1>
<form method="get"><input type="search" name="q" value="{{ q }}"></form>
<p>{{ page.paginator.count|num }} facilities</p>
<table class="table table-sm"><tbody>
{% for f in page.object_list %}
<tr><td><a href="/bench/facilities/{{ f.pk }}/"><bdi>{{ f.name }}</bdi></a>{% if f.name_local %}<div><bdi>{{ f.name_local }}</bdi></div>{% endif %}</td>
<td>{{ f.get_kind_display }}</td><td>{{ f.get_level_display }}</td><td><bdi>{{ f.region.name }}</bdi></td>
<td><bdi>{{ f.organisation.name }}</bdi></td><td>{{ f.beds|num }}</td></tr>
{% endfor %}
</tbody></table>
{% include "core/_pagination.html" %}
{% endblock %}""")

FACILITY_DETAIL = _django.from_string("""{% extends "base.html" %}{% load i18n %}
{% block content %}
<h1 class="h3"><bdi>{{ facility.name }}</bdi></h1>
<p><bdi>{{ facility.name_local }}</bdi> · {{ facility.get_kind_display }} · {{ facility.region.name }}
 · {{ facility.organisation.name }} · {{ facility.beds|num }}</p>
<ul>{% for d in facility.departments.all %}<li>{{ d.name }} ({{ d.specialty.label }})</li>{% endfor %}</ul>
<ul>{% for e in facility.equipment.all %}<li>{{ e.equipment.label }} × {{ e.quantity }}</li>{% endfor %}</ul>
<ul>{% for s in facility.foreign_patient_specialties.all %}<li>{{ s.label }}</li>{% endfor %}</ul>
<p>{{ staff.paginator.count|num }} staff</p>
<table class="table table-sm"><tbody>
{% for a in staff.object_list %}
<tr><td><bdi>{{ a.practitioner }}</bdi></td><td>{{ a.position }}</td><td>{{ a.department.name|default:"" }}</td>
<td>{{ a.start|day }}</td></tr>
{% endfor %}
</tbody></table>
{% include "core/_pagination.html" with page=staff %}
{% endblock %}""")


@login_required
def facility_list(request):
    filters = selectors.FacilityFilters(q=request.GET.get("q", ""))
    if request.GET.get("scope") == "joined":
        rows = facilities_in_joined_scope(request.user, filters.q)
    else:
        rows = selectors.facility_list_for_user(user=request.user, filters=filters)
    page = page_of(request, rows)
    return _render(FACILITY_LIST, request, {"page": page, "q": filters.q})


@login_required
def facility_detail(request, pk: int):
    try:
        facility = selectors.facility_get_for_user(user=request.user, pk=pk)
    except NotFound:
        return JsonResponse({"code": "not_found"}, status=404)
    staff = selectors.facility_staff(user=request.user, facility=facility, on=timezone.localdate())
    return _render(FACILITY_DETAIL, request, {"facility": facility, "staff": page_of(request, staff)})


def joined_scope(user) -> Q:
    """The visibility scope the selectors now apply: `Access.visible_rows_q` (read-only use of core).

    Once a proposal here, it was adopted in core: over the join to the row's
    organisation on SQLite (which then reads the page off the name index), and
    `organisation_id IN (visible organisations)` on PostgreSQL, which plans that
    form better. Calling core instead of keeping a copy means the `proposal_*`
    rows measure exactly what the pages run.
    """
    return access_for(user).visible_rows_q(prefix="organisation__")


def facilities_in_joined_scope(user, q: str):
    qs = Facility.objects.select_related("region", "organisation").filter(joined_scope(user))
    for word in fold(q).split():
        qs = qs.filter(search_text__contains=word)
    return qs.order_by("name", "id")


def practitioners_in_joined_scope(user):
    return Practitioner.objects.select_related("organisation").filter(joined_scope(user)).order_by("name_latin", "id")


def practitioner_api(request):
    if not request.user.is_authenticated:
        return JsonResponse({"code": "unauthenticated"}, status=401)
    try:
        size = min(max(int(request.GET.get("page_size", 25)), 1), settings.CARAVAN_API_PAGE_SIZE_MAX)
    except ValueError:
        size = 25
    if request.GET.get("scope") == "joined":
        qs = practitioners_in_joined_scope(request.user)
    else:
        qs = selectors.practitioner_list_for_user(
            user=request.user, filters=selectors.PractitionerFilters(q=request.GET.get("q", ""))
        )
    qs = qs.prefetch_related("specialties")
    page = Paginator(qs, size).get_page(request.GET.get("page"))
    items = [
        {
            "id": p.pk, "name": p.name, "name_latin": p.name_latin, "sex": p.sex, "profession": p.profession,
            "title": p.title, "organisation": {"id": p.organisation_id, "name": p.organisation.name},
            "languages": p.languages, "specialties": sorted(s.code for s in p.specialties.all()),
        }
        for p in page.object_list
    ]
    return JsonResponse({"count": page.paginator.count, "items": items})


def _render(template, request, context):
    return HttpResponse(template.render(context, request))


urlpatterns = [
    path("bench/facilities/", facility_list),
    path("bench/facilities/<int:pk>/", facility_detail),
    path("bench/api/practitioners", practitioner_api),
    *caravan.urls.urlpatterns,
]
