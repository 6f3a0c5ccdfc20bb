"""The registry's pages: facilities, practitioners, regions and techniques.

Views stay thin: parse a form, call one selector or service, render. A row the
user may not see is a 404 (missing and forbidden look alike); a write the user
may not make is a 403; bad input is shown beside its field with status 400.
"""


from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caravan.core.access import access_for
from caravan.core.errors import PermissionDenied
from caravan.core.pages import attempt
from caravan.core.pages import crumbs as _crumbs
from caravan.core.pages import page as registry_page
from caravan.core.pages import posted as _posted
from caravan.core.pages import require as _require
from caravan.core.pagination import page_of

from . import forms, selectors, services
from .models import SPOKEN_LANGUAGES, Facility, Region

LANGUAGE_LABELS = dict(SPOKEN_LANGUAGES)

STAFF_SHOWN = 50

# ---------------------------------------------------------------- shared plumbing


def _write(request, form, write, *, success: str) -> tuple[bool, object]:
    """On a valid POST, call `write(cleaned_data)`; a refused input lands on the form's fields."""
    if request.method != "POST" or not form.is_valid():
        return False, None
    saved, result = attempt(form, lambda: write(form.cleaned_data))
    if saved:
        messages.success(request, success)
    return saved, result


def _form_page(request, form, *, title: str, crumbs: list, cancel_url: str, status: int | None = None,
               template: str = "registry/form.html", **extra):
    """A create or edit page; after a refused POST it is answered with 400."""
    if status is None:
        status = 400 if request.method == "POST" else 200
    context = {"form": form, "title": title, "breadcrumbs": crumbs, "cancel_url": cancel_url, **extra}
    return render(request, template, context, status=status)


def _list_page(request, template: str, *, form, rows, crumbs: list, create_url: str | None):
    return render(request, template, {
        "filter_form": form, "page": page_of(request, rows), "breadcrumbs": crumbs, "create_url": create_url,
    })


def _may_create_records(user) -> bool:
    """Whether the user edits the registry of at least one organisation."""
    return selectors.organisation_choices_for_editing(user=user).exists()


def _may_edit_reference_data(user) -> bool:
    return access_for(user).can_edit_reference_data()


def _flags(obj, names: list[str]) -> list[tuple[str, bool]]:
    """(label, value) for boolean fields, labelled by the model's own field names."""
    return [(obj._meta.get_field(name).verbose_name, getattr(obj, name)) for name in names]


def _language_labels(codes) -> list[str]:
    return [str(LANGUAGE_LABELS.get(code, code)) for code in codes or []]


# ---------------------------------------------------------------- facilities


def _facility_crumbs(facility: Facility | None = None, *tail) -> list[dict]:
    trail = [(_("Facilities"), reverse("registry:facility_list"))]
    if facility is not None:
        trail.append((facility.name, reverse("registry:facility_detail", args=[facility.pk])))
    return _crumbs(*trail, *tail)


@registry_page("facilities")
def facility_list(request):
    form = forms.FacilityFilterForm(request.GET, user=request.user)
    rows = selectors.facility_list_for_user(user=request.user, filters=form.filters())
    create_url = reverse("registry:facility_create") if _may_create_records(request.user) else None
    return _list_page(request, "registry/facility_list.html", form=form, rows=rows,
                      crumbs=_crumbs((_("Facilities"), None)), create_url=create_url)


@registry_page("facilities")
def facility_detail(request, pk: int):
    facility = selectors.facility_get_for_user(user=request.user, pk=pk)
    return _facility_detail(request, facility)


def _facility_detail(request, facility: Facility, *, equipment_form=None, status: int = 200):
    can_edit = selectors.facility_editable_by(user=request.user, facility=facility)
    if can_edit and equipment_form is None:
        equipment_form = forms.EquipmentQuantityForm(user=request.user)
    ancestors = selectors.region_list(user=request.user).filter(pk__in=facility.region.ancestor_ids())
    # A national hospital has hundreds of staff: show the first ones and link to the full, paged list.
    staff = list(selectors.facility_staff(user=request.user, facility=facility, on=timezone.localdate())[:STAFF_SHOWN + 1])
    return render(request, "registry/facility_detail.html", {
        "facility": facility,
        "can_edit": can_edit,
        "region_trail": [*ancestors, facility.region],
        "digital": _flags(facility, ["has_emr", "has_his", "has_pacs"]),
        "languages": _language_labels(facility.languages),
        "staff": staff[:STAFF_SHOWN],
        "more_staff": len(staff) > STAFF_SHOWN,
        "equipment_form": equipment_form if can_edit else None,
        "breadcrumbs": _facility_crumbs(None, (facility.name, None)),
    }, status=status)


@registry_page("facilities")
def facility_create(request):
    _require(_may_create_records(request.user))
    form = forms.FacilityForm(_posted(request), user=request.user)
    saved, facility = _write(request, form, lambda data: services.facility_create(by=request.user, data=data),
                             success=_("The facility was added."))
    if saved:
        return redirect("registry:facility_detail", pk=facility.pk)
    return _form_page(request, form, title=_("Add a facility"), cancel_url=reverse("registry:facility_list"),
                      crumbs=_facility_crumbs(None, (_("Add a facility"), None)))


@registry_page("facilities")
def facility_edit(request, pk: int):
    facility = selectors.facility_get_for_user(user=request.user, pk=pk)
    _require(selectors.facility_editable_by(user=request.user, facility=facility))
    form = forms.FacilityForm(_posted(request), instance=facility, user=request.user)
    saved, _result = _write(
        request, form, lambda data: services.facility_update(by=request.user, facility=facility, data=data),
        success=_("The facility was saved."),
    )
    if saved:
        return redirect("registry:facility_detail", pk=facility.pk)
    return _form_page(request, form, title=_("Edit %(name)s") % {"name": facility.name},
                      cancel_url=reverse("registry:facility_detail", args=[facility.pk]),
                      crumbs=_facility_crumbs(facility, (_("Edit"), None)))


@registry_page("facilities")
def department_create(request, pk: int):
    facility = selectors.facility_get_for_user(user=request.user, pk=pk)
    _require(selectors.facility_editable_by(user=request.user, facility=facility))
    form = forms.DepartmentForm(_posted(request), user=request.user)
    saved, _result = _write(
        request, form, lambda data: services.department_create(by=request.user, facility=facility, data=data),
        success=_("The department was added."),
    )
    if saved:
        return redirect(reverse("registry:facility_detail", args=[facility.pk]) + "#departments")
    return _form_page(request, form, title=_("Add a department to %(name)s") % {"name": facility.name},
                      cancel_url=reverse("registry:facility_detail", args=[facility.pk]),
                      crumbs=_facility_crumbs(facility, (_("Add a department"), None)))


@registry_page("facilities")
def department_edit(request, pk: int):
    department = selectors.department_get_for_user(user=request.user, pk=pk)
    facility = department.facility
    _require(selectors.facility_editable_by(user=request.user, facility=facility))
    form = forms.DepartmentForm(_posted(request), instance=department, user=request.user)
    saved, _result = _write(
        request, form, lambda data: services.department_update(by=request.user, department=department, data=data),
        success=_("The department was saved."),
    )
    if saved:
        return redirect(reverse("registry:facility_detail", args=[facility.pk]) + "#departments")
    return _form_page(request, form, title=_("Edit the department %(name)s") % {"name": department.name},
                      cancel_url=reverse("registry:facility_detail", args=[facility.pk]),
                      crumbs=_facility_crumbs(facility, (department.name, None)))


@registry_page("facilities")
@require_POST
def facility_equipment(request, pk: int):
    facility = selectors.facility_get_for_user(user=request.user, pk=pk)
    _require(selectors.facility_editable_by(user=request.user, facility=facility))
    form = forms.EquipmentQuantityForm(request.POST, user=request.user)
    saved, _result = _write(request, form, lambda data: services.facility_equipment_set(
        by=request.user, facility=facility, equipment=data["equipment"], quantity=data["quantity"],
    ), success=_("The equipment list was updated."))
    if saved:
        return redirect(reverse("registry:facility_detail", args=[facility.pk]) + "#equipment")
    return _facility_detail(request, facility, equipment_form=form, status=400)


# ---------------------------------------------------------------- practitioners


def _practitioner_crumbs(practitioner=None, *tail) -> list[dict]:
    trail = [(_("Practitioners"), reverse("registry:practitioner_list"))]
    if practitioner is not None:
        trail.append((practitioner.name_latin, reverse("registry:practitioner_detail", args=[practitioner.pk])))
    return _crumbs(*trail, *tail)


def _may_appoint(user, practitioner) -> bool:
    """Appointments are made by editors of the practitioner's organisation or of the host facility's."""
    return selectors.practitioner_editable_by(user=user, practitioner=practitioner) or _may_create_records(user)


@registry_page("practitioners")
def practitioner_list(request):
    form = forms.PractitionerFilterForm(request.GET, user=request.user)
    rows = selectors.practitioner_list_for_user(user=request.user, filters=form.filters())
    create_url = reverse("registry:practitioner_create") if _may_create_records(request.user) else None
    return _list_page(request, "registry/practitioner_list.html", form=form, rows=rows,
                      crumbs=_crumbs((_("Practitioners"), None)), create_url=create_url)


@registry_page("practitioners")
def practitioner_detail(request, pk: int):
    practitioner = selectors.practitioner_get_for_user(user=request.user, pk=pk)
    return render(request, "registry/practitioner_detail.html", {
        "practitioner": practitioner,
        "can_edit": selectors.practitioner_editable_by(user=request.user, practitioner=practitioner),
        "can_appoint": _may_appoint(request.user, practitioner),
        "languages": _language_labels(practitioner.languages),
        "breadcrumbs": _practitioner_crumbs(None, (practitioner.name_latin, None)),
    })


@registry_page("practitioners")
def practitioner_create(request):
    _require(_may_create_records(request.user))
    form = forms.PractitionerForm(_posted(request), user=request.user)
    saved, practitioner = _write(
        request, form, lambda data: services.practitioner_create(by=request.user, data=data),
        success=_("The practitioner was added."),
    )
    if saved:
        return redirect("registry:practitioner_detail", pk=practitioner.pk)
    return _form_page(request, form, title=_("Add a practitioner"), cancel_url=reverse("registry:practitioner_list"),
                      crumbs=_practitioner_crumbs(None, (_("Add a practitioner"), None)))


@registry_page("practitioners")
def practitioner_edit(request, pk: int):
    practitioner = selectors.practitioner_get_for_user(user=request.user, pk=pk)
    _require(selectors.practitioner_editable_by(user=request.user, practitioner=practitioner))
    form = forms.PractitionerForm(_posted(request), instance=practitioner, user=request.user)
    saved, _result = _write(
        request, form,
        lambda data: services.practitioner_update(by=request.user, practitioner=practitioner, data=data),
        success=_("The practitioner was saved."),
    )
    if saved:
        return redirect("registry:practitioner_detail", pk=practitioner.pk)
    return _form_page(request, form, title=_("Edit %(name)s") % {"name": practitioner.name_latin},
                      cancel_url=reverse("registry:practitioner_detail", args=[practitioner.pk]),
                      crumbs=_practitioner_crumbs(practitioner, (_("Edit"), None)))


@registry_page("practitioners")
def appointment_create(request, pk: int):
    practitioner = selectors.practitioner_get_for_user(user=request.user, pk=pk)
    _require(_may_appoint(request.user, practitioner))
    # Without JavaScript, "show departments" re-sends the form by GET: keep what was typed.
    initial = {k: v for k, v in request.GET.items() if k in forms.AppointmentForm.base_fields}
    form = forms.AppointmentForm(_posted(request), initial=initial, user=request.user, departments_url=request.path)
    status = None
    try:
        saved, _result = _write(request, form, lambda data: services.appointment_create(
            by=request.user, practitioner=practitioner, facility=data["facility"], data=data,
        ), success=_("The appointment was added."))
    except PermissionDenied:
        # The facility is visible but neither it nor the practitioner is the user's to staff.
        form.add_error("facility", _("You may not appoint staff at this facility."))
        saved, status = False, 403
    if saved:
        return redirect(reverse("registry:practitioner_detail", args=[practitioner.pk]) + "#appointments")
    return _form_page(request, form, title=_("Appoint %(name)s") % {"name": practitioner.name_latin},
                      cancel_url=reverse("registry:practitioner_detail", args=[practitioner.pk]),
                      crumbs=_practitioner_crumbs(practitioner, (_("Add an appointment"), None)),
                      status=status, template="registry/appointment_form.html")


# ---------------------------------------------------------------- regions


def _region_crumbs(region: Region | None = None, *tail) -> list[dict]:
    trail = [(_("Regions"), reverse("registry:region_list"))]
    if region is not None:
        trail.append((region.name, reverse("registry:region_detail", args=[region.pk])))
    return _crumbs(*trail, *tail)


@registry_page("regions")
def region_list(request):
    form = forms.RegionFilterForm(request.GET, user=request.user)
    # The list shows where a merged region went: load that region with the row.
    rows = selectors.region_list(user=request.user, **form.filters()).select_related("merged_into")
    create_url = reverse("registry:region_create") if _may_edit_reference_data(request.user) else None
    return _list_page(request, "registry/region_list.html", form=form, rows=rows,
                      crumbs=_crumbs((_("Regions"), None)), create_url=create_url)


@registry_page("regions")
def region_detail(request, pk: int):
    region = selectors.region_get(user=request.user, pk=pk)
    return _region_detail(request, region)


def _region_detail(request, region: Region, *, population_form=None, status: int = 200):
    user = request.user
    can_edit = _may_edit_reference_data(user)
    if can_edit and population_form is None:
        population_form = forms.PopulationForm(initial={"year": timezone.localdate().year})
    regions = selectors.region_list(user=user)
    facilities = selectors.facility_list_for_user(user=user, filters=selectors.FacilityFilters(region=region.pk))
    return render(request, "registry/region_detail.html", {
        "region": region,
        "can_edit": can_edit,
        "ancestors": regions.filter(pk__in=region.ancestor_ids()),
        "children": selectors.region_list(user=user, parent=region.pk),
        "absorbed": regions.filter(merged_into=region).order_by("valid_to", "name"),
        "facility_count": facilities.count(),
        "commune_criteria": _flags(region, ["meets_commune_criteria"])[0],
        "population_form": population_form if can_edit else None,
        "breadcrumbs": _region_crumbs(None, (region.name, None)),
    }, status=status)


@registry_page("regions")
def region_create(request):
    _require(_may_edit_reference_data(request.user))
    form = forms.RegionForm(_posted(request), user=request.user)
    saved, region = _write(request, form, lambda data: services.region_create(by=request.user, data=data),
                           success=_("The region was added."))
    if saved:
        return redirect("registry:region_detail", pk=region.pk)
    return _form_page(request, form, title=_("Add a region"), cancel_url=reverse("registry:region_list"),
                      crumbs=_region_crumbs(None, (_("Add a region"), None)))


@registry_page("regions")
def region_edit(request, pk: int):
    region = selectors.region_get(user=request.user, pk=pk)
    _require(_may_edit_reference_data(request.user))
    form = forms.RegionForm(_posted(request), instance=region, user=request.user)
    saved, _result = _write(
        request, form, lambda data: services.region_update(by=request.user, region=region, data=data),
        success=_("The region was saved."),
    )
    if saved:
        return redirect("registry:region_detail", pk=region.pk)
    return _form_page(request, form, title=_("Edit %(name)s") % {"name": region.name},
                      cancel_url=reverse("registry:region_detail", args=[region.pk]),
                      crumbs=_region_crumbs(region, (_("Edit"), None)))


@registry_page("regions")
@require_POST
def region_population(request, pk: int):
    region = selectors.region_get(user=request.user, pk=pk)
    _require(_may_edit_reference_data(request.user))
    form = forms.PopulationForm(request.POST)
    saved, _result = _write(request, form, lambda data: services.region_population_set(
        by=request.user, region=region, year=data["year"], population=data["population"],
    ), success=_("The population was recorded."))
    if saved:
        return redirect(reverse("registry:region_detail", args=[region.pk]) + "#population")
    return _region_detail(request, region, population_form=form, status=400)


@registry_page("regions")
def region_merge(request, pk: int):
    region = selectors.region_get(user=request.user, pk=pk)
    _require(_may_edit_reference_data(request.user))
    form = forms.MergeForm(_posted(request), user=request.user, region=region)
    saved, _result = _write(request, form, lambda data: services.region_merge(
        by=request.user, region=region, into=data["into"], on=data["on"],
    ), success=_("The region was merged."))
    if saved:
        return redirect("registry:region_detail", pk=region.pk)
    intro = _("From the chosen day, %(name)s and everything in it count toward the region it is merged into. "
              "Its figures before that day stay its own.") % {"name": region.name}
    return _form_page(request, form, title=_("Merge %(name)s into another region") % {"name": region.name},
                      cancel_url=reverse("registry:region_detail", args=[region.pk]), intro=intro,
                      submit_label=_("Merge"), crumbs=_region_crumbs(region, (_("Merge"), None)))


# ---------------------------------------------------------------- techniques


def _technique_crumbs(technique=None, *tail) -> list[dict]:
    trail = [(_("Techniques"), reverse("registry:technique_list"))]
    if technique is not None:
        trail.append((technique.name, reverse("registry:technique_detail", args=[technique.pk])))
    return _crumbs(*trail, *tail)


@registry_page("techniques")
def technique_list(request):
    form = forms.TechniqueFilterForm(request.GET, user=request.user)
    rows = selectors.technique_list(user=request.user, **form.filters())
    create_url = reverse("registry:technique_create") if _may_edit_reference_data(request.user) else None
    return _list_page(request, "registry/technique_list.html", form=form, rows=rows,
                      crumbs=_crumbs((_("Techniques"), None)), create_url=create_url)


@registry_page("techniques")
def technique_detail(request, pk: int):
    technique = selectors.technique_get(user=request.user, pk=pk)
    return render(request, "registry/technique_detail.html", {
        "technique": technique,
        "can_edit": _may_edit_reference_data(request.user),
        "breadcrumbs": _technique_crumbs(None, (technique.name, None)),
    })


@registry_page("techniques")
def technique_create(request):
    _require(_may_edit_reference_data(request.user))
    form = forms.TechniqueForm(_posted(request), user=request.user)
    saved, technique = _write(request, form, lambda data: services.technique_create(by=request.user, data=data),
                              success=_("The technique was added."))
    if saved:
        return redirect("registry:technique_detail", pk=technique.pk)
    return _form_page(request, form, title=_("Add a technique"), cancel_url=reverse("registry:technique_list"),
                      crumbs=_technique_crumbs(None, (_("Add a technique"), None)))


@registry_page("techniques")
def technique_edit(request, pk: int):
    technique = selectors.technique_get(user=request.user, pk=pk)
    _require(_may_edit_reference_data(request.user))
    form = forms.TechniqueForm(_posted(request), instance=technique, user=request.user)
    saved, _result = _write(
        request, form, lambda data: services.technique_update(by=request.user, technique=technique, data=data),
        success=_("The technique was saved."),
    )
    if saved:
        return redirect("registry:technique_detail", pk=technique.pk)
    return _form_page(request, form, title=_("Edit %(name)s") % {"name": technique.name},
                      cancel_url=reverse("registry:technique_detail", args=[technique.pk]),
                      crumbs=_technique_crumbs(technique, (_("Edit"), None)))
