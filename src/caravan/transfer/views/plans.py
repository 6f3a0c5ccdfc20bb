"""Transfer plans: the list of a coordinator's plans, a plan's phases and progress, and their forms."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caravan.core.access import access_for
from caravan.core.errors import ValidationFailed
from caravan.core.pages import posted, require
from caravan.core.pagination import page_of

from .. import forms, scope, selectors, services
from ..models import PHASES
from .common import crumbs, status_for, transfer_page, write


def _plans_crumb():
    return (_("Transfer plans"), reverse("transfer:plan_list"))


@transfer_page
def plan_list(request):
    require(scope.may_own_plans(access_for(request.user)))
    return render(request, "transfer/plan_list.html", {
        "page": page_of(request, selectors.plan_list_for_user(user=request.user)),
        "breadcrumbs": crumbs((_("Transfer plans"), None)),
    })


@transfer_page
def plan_create(request):
    user = request.user
    require(scope.may_own_plans(access_for(user)))
    form = forms.PlanForm(posted(request), user=user)
    saved, plan = write(request, form, lambda d: services.plan_create(by=user, data=form.data_for_service()),
                        success=_("The plan was created. Add its techniques phase by phase."))
    if saved:
        return redirect("transfer:plan_detail", pk=plan.pk)
    return render(request, "transfer/form.html", {
        "form": form, "title": _("New transfer plan"), "cancel_url": reverse("transfer:plan_list"),
        "breadcrumbs": crumbs(_plans_crumb(), (_("New transfer plan"), None)),
    }, status=status_for(request))


@transfer_page
def plan_detail(request, pk: int):
    user = request.user
    plan = selectors.plan_get_for_user(user=user, pk=pk)
    view = selectors.plan_view(user=user, plan=plan)
    return render(request, "transfer/plan_detail.html", {
        "plan": plan, "view": view, "item_form": forms.PlanItemForm(user=user, plan=plan),
        "catalogue": selectors.technique_suggestions(user=user),
        "breadcrumbs": crumbs(_plans_crumb(), (plan.title, None)),
    })


@transfer_page
def plan_edit(request, pk: int):
    user = request.user
    plan = selectors.plan_get_for_user(user=user, pk=pk)
    targets = dict(plan.phases.values_list("number", "target_date"))
    initial = {"title": plan.title, "notes": plan.notes, "agreement": plan.agreement_id,
               **{f"phase_{n}_target": targets.get(n) for n in PHASES}}
    form = forms.PlanForm(posted(request), user=user, editing=True, initial=initial)
    saved, _plan = write(request, form, lambda d: services.plan_update(by=user, plan=plan,
                                                                        data=form.data_for_service()),
                         success=_("The plan was saved."))
    if saved:
        return redirect("transfer:plan_detail", pk=plan.pk)
    return render(request, "transfer/form.html", {
        "form": form, "title": _("Edit %(title)s") % {"title": plan.title},
        "cancel_url": reverse("transfer:plan_detail", args=[plan.pk]),
        "breadcrumbs": crumbs(_plans_crumb(), (plan.title, reverse("transfer:plan_detail", args=[plan.pk])),
                              (_("Edit"), None)),
    }, status=status_for(request))


@transfer_page
def item_add(request, pk: int):
    user = request.user
    plan = selectors.plan_get_for_user(user=user, pk=pk)
    form = forms.PlanItemForm(posted(request), user=user, plan=plan)
    saved, _item = write(request, form, lambda d: services.plan_item_add(
        by=user, plan=plan, technique=d["technique"], phase=d["phase"], priority=d["priority"],
        mentors=list(d["mentors"]), trainees=list(d["trainees"]), note=d["note"],
    ), success=_("The technique was added to the plan."))
    if saved:
        return redirect(reverse("transfer:plan_detail", args=[plan.pk]) + "#phases")
    return render(request, "transfer/plan_detail.html", {
        "plan": plan, "view": selectors.plan_view(user=user, plan=plan), "item_form": form,
        "catalogue": selectors.technique_suggestions(user=user),
        "breadcrumbs": crumbs(_plans_crumb(), (plan.title, None)),
    }, status=status_for(request))


@transfer_page
def item_edit(request, pk: int):
    user = request.user
    item = selectors.plan_item_get_for_user(user=user, pk=pk)
    plan = item.plan
    initial = {"phase": item.phase, "priority": item.priority, "note": item.note,
               "mentors": list(item.mentors.all()), "trainees": list(item.trainees.all())}
    form = forms.PlanItemForm(posted(request), user=user, plan=plan, editing=True, initial=initial)
    saved, _item = write(request, form, lambda d: services.plan_item_update(by=user, item=item, data=d),
                         success=_("The technique was saved."))
    if saved:
        return redirect(reverse("transfer:plan_detail", args=[plan.pk]) + "#phases")
    return render(request, "transfer/form.html", {
        "form": form, "title": _("%(technique)s in %(plan)s") % {"technique": item.technique.name, "plan": plan.title},
        "cancel_url": reverse("transfer:plan_detail", args=[plan.pk]),
        "breadcrumbs": crumbs(_plans_crumb(), (plan.title, reverse("transfer:plan_detail", args=[plan.pk])),
                              (item.technique.name, None)),
    }, status=status_for(request))


@transfer_page
@require_POST
def item_remove(request, pk: int):
    item = selectors.plan_item_get_for_user(user=request.user, pk=pk)
    try:
        services.plan_item_remove(by=request.user, item=item)
        messages.success(request, _("The technique was taken out of the plan."))
    except ValidationFailed as exc:
        messages.error(request, str(exc.message))
    return redirect(reverse("transfer:plan_detail", args=[item.plan_id]) + "#phases")
