"""Specialty centres and mentoring studios."""

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from caravan.core.pages import posted, require

from .. import forms, selectors, services
from .common import crumbs, status_for, transfer_page, write


def _crumb():
    return (_("Centres and studios"), reverse("transfer:centre_list"))


def _may_record(user) -> bool:
    return selectors.editable_facilities(user=user).exists()


@transfer_page
def centre_list(request):
    user = request.user
    return render(request, "transfer/centre_list.html", {
        "centres": selectors.centre_list_for_user(user=user),
        "studios": selectors.studio_list_for_user(user=user),
        "may_record": _may_record(user),
        "breadcrumbs": crumbs((_("Centres and studios"), None)),
    })


def _form_page(request, form, *, title, cancel_url, trail):
    return render(request, "transfer/form.html", {
        "form": form, "title": title, "cancel_url": cancel_url, "breadcrumbs": crumbs(_crumb(), *trail),
    }, status=status_for(request))


@transfer_page
def centre_create(request):
    user = request.user
    require(_may_record(user))
    form = forms.CentreForm(posted(request), user=user)
    saved, _centre = write(request, form, lambda d: services.centre_create(by=user, data=d),
                           success=_("The centre was recorded."))
    if saved:
        return redirect("transfer:centre_list")
    return _form_page(request, form, title=_("Record a specialty centre"), cancel_url=reverse("transfer:centre_list"),
                      trail=[(_("Record a specialty centre"), None)])


@transfer_page
def centre_edit(request, pk: int):
    user = request.user
    centre = selectors.centre_get_for_user(user=user, pk=pk)
    require(selectors.may_edit_facility(user=user, facility=centre.facility))
    initial = {name: getattr(centre, name) for name in forms.CentreForm.base_fields}
    initial.update(facility=centre.facility_id, specialty=centre.specialty_id, partner=centre.partner_id)
    form = forms.CentreForm(posted(request), user=user, initial=initial)
    saved, _centre = write(request, form, lambda d: services.centre_update(by=user, centre=centre, data=d),
                           success=_("The centre was saved."))
    if saved:
        return redirect("transfer:centre_list")
    return _form_page(request, form, title=_("Edit %(name)s") % {"name": centre.name},
                      cancel_url=reverse("transfer:centre_list"), trail=[(centre.name, None)])


@transfer_page
def studio_detail(request, pk: int):
    user = request.user
    studio = selectors.studio_get_for_user(user=user, pk=pk)
    can_edit = selectors.may_edit_facility(user=user, facility=studio.department.facility)
    return render(request, "transfer/studio_detail.html", {
        "studio": studio, "can_edit": can_edit,
        "lead_form": forms.PersonForm(user=user, prefix="lead") if can_edit else None,
        "trainee_form": forms.PersonForm(user=user, prefix="trainee", with_note=True) if can_edit else None,
        "breadcrumbs": crumbs(_crumb(), (studio.name, None)),
    })


@transfer_page
def studio_create(request):
    user = request.user
    require(_may_record(user))
    form = forms.StudioForm(posted(request), user=user)
    saved, studio = write(request, form, lambda d: services.studio_create(by=user, data=d),
                          success=_("The studio was recorded."))
    if saved:
        return redirect("transfer:studio_detail", pk=studio.pk)
    return _form_page(request, form, title=_("Record a mentoring studio"), cancel_url=reverse("transfer:centre_list"),
                      trail=[(_("Record a mentoring studio"), None)])


@transfer_page
def studio_edit(request, pk: int):
    user = request.user
    studio = selectors.studio_get_for_user(user=user, pk=pk)
    require(selectors.may_edit_facility(user=user, facility=studio.department.facility))
    initial = {"name": studio.name, "name_local": studio.name_local, "description": studio.description,
               "techniques": ", ".join(t.code for t in studio.techniques.all())}
    form = forms.StudioForm(posted(request), user=user, editing=True, initial=initial)
    saved, _studio = write(request, form, lambda d: services.studio_update(by=user, studio=studio, data=d),
                           success=_("The studio was saved."))
    if saved:
        return redirect("transfer:studio_detail", pk=studio.pk)
    return _form_page(request, form, title=_("Edit %(name)s") % {"name": studio.name},
                      cancel_url=reverse("transfer:studio_detail", args=[studio.pk]),
                      trail=[(studio.name, reverse("transfer:studio_detail", args=[studio.pk])), (_("Edit"), None)])


@transfer_page
def studio_person(request, pk: int, role: str):
    """Hand the studio to its next lead, or record a trainee it formed (POST from the studio page)."""
    user = request.user
    studio = selectors.studio_get_for_user(user=user, pk=pk)
    require(selectors.may_edit_facility(user=user, facility=studio.department.facility))
    is_lead = role == "lead"
    form = forms.PersonForm(posted(request), user=user, prefix=role, with_note=not is_lead)
    if is_lead:
        action = lambda d: services.studio_lead_succeed(by=user, studio=studio, practitioner=d["practitioner"],  # noqa: E731
                                                       start=d["start"])
        success = _("The new lead was recorded.")
    else:
        action = lambda d: services.studio_trainee_add(by=user, studio=studio, practitioner=d["practitioner"],  # noqa: E731
                                                      since=d["start"], note=d.get("note", ""))
        success = _("The trainee was recorded.")
    saved, _row = write(request, form, action, success=success)
    if saved:
        return redirect("transfer:studio_detail", pk=studio.pk)
    studio = selectors.studio_get_for_user(user=user, pk=pk)
    return render(request, "transfer/studio_detail.html", {
        "studio": studio, "can_edit": True,
        "lead_form": form if is_lead else forms.PersonForm(user=user, prefix="lead"),
        "trainee_form": form if not is_lead else forms.PersonForm(user=user, prefix="trainee", with_note=True),
        "breadcrumbs": crumbs(_crumb(), (studio.name, None)),
    }, status=status_for(request))

