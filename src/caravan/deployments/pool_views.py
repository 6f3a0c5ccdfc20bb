"""The talent pool's pages: the list with its filters, and one candidate's roles and availability windows."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from caravan.core.pages import attempt, crumbs, page, posted
from caravan.core.pagination import page_of

from . import forms, selectors, services
from .vocab import role_label

SECTION = "deployments"


def _trail(programme, *rest):
    return crumbs((_("Deployments"), reverse("deployments:home")),
                  (programme.name, reverse("deployments:programme", args=[programme.pk])), *rest)


@page(SECTION)
def pool(request, pk: int):
    programme = selectors.programme_get_for_user(user=request.user, pk=pk)
    form = forms.PoolFilterForm(request.GET or None, cities=selectors.cities_of(programme=programme))
    filters = form.cleaned_data if form.is_valid() else {}
    rows = page_of(request, selectors.candidates_of(programme=programme, **{k: v for k, v in filters.items() if v}))
    return render(request, "deployments/pool.html", {
        "programme": programme, "page": rows, "rows": [(c, [role_label(r) for r in c.roles]) for c in rows],
        "form": form, "breadcrumbs": _trail(programme, (_("Talent pool"), None)),
    })


@page(SECTION)
def candidate(request, pk: int):
    """Edit the roles a candidate can fill, add or move their availability windows."""
    person = selectors.candidate_get_for_user(user=request.user, pk=pk)
    data, action = posted(request), request.POST.get("action", "")
    roles_form = forms.RolesForm(data if action == "roles" else None, prefix="roles",
                                 initial={"roles": person.roles})
    add_form = forms.WindowForm(data if action == "window_add" else None, prefix="window")
    edit_form = forms.WindowForm(data if action == "window_edit" else None, prefix="edit")
    if request.method == "POST":
        services.require_manager(request.user, person.programme)
        saved = False
        if action == "roles" and roles_form.is_valid():
            saved, _x = attempt(roles_form, lambda: services.candidate_set_roles(
                by=request.user, candidate=person, roles=list(roles_form.cleaned_data["roles"])))
        elif action == "window_add" and add_form.is_valid():
            saved, _x = attempt(add_form, lambda: services.availability_add(
                by=request.user, candidate=person, start=add_form.cleaned_data["start"],
                end=add_form.cleaned_data["end"]))
        elif action == "window_edit":
            window = selectors.window_of(candidate=person, pk=request.POST.get("window", ""))
            if edit_form.is_valid():
                saved, _x = attempt(edit_form, lambda: services.availability_update(
                    by=request.user, window=window, start=edit_form.cleaned_data["start"],
                    end=edit_form.cleaned_data["end"]))
        if saved:
            messages.success(request, _("Candidate updated."))
            return redirect("deployments:candidate", pk=pk)
    return render(request, "deployments/candidate.html", {
        "candidate": person, "roles": [role_label(r) for r in person.roles],
        "windows": selectors.windows_of(candidate=person), "edited": request.POST.get("window", ""),
        "roles_form": roles_form, "add_form": add_form, "edit_form": edit_form,
        "breadcrumbs": _trail(person.programme, (_("Talent pool"), reverse("deployments:pool",
                                                                           args=[person.programme_id])),
                              (str(person.practitioner), None)),
    }, status=400 if request.method == "POST" else 200)
