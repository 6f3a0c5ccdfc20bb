"""A batch's call for candidates: open it, nominate under it, approve or decline with a reason."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from caravan.core.pages import attempt, crumbs, page, posted

from . import call_services, forms, selectors
from .scope import can_manage

SECTION = "deployments"


@page(SECTION)
def call(request, pk: int):
    batch = selectors.batch_for_call(user=request.user, pk=pk)
    programme = batch.programme
    manager = can_manage(request.user, programme)
    the_call = selectors.call_of(batch=batch)
    today = timezone.localdate()
    data, action = posted(request), request.POST.get("action", "")
    open_form = forms.CallForm(data if action == "open" else None, prefix="call")
    candidates = (list(selectors.nominable_of(call=the_call, user=request.user, manager=manager))
                  if the_call else [])
    nominate_form = forms.NominateForm(data if action == "nominate" else None, prefix="nominate",
                                       candidates=candidates)
    decide_form = forms.DecideForm(data if action in ("approve", "decline") else None, prefix="decide")
    if request.method == "POST":
        saved = False
        if action == "open" and open_form.is_valid():
            saved, _x = attempt(open_form, lambda: call_services.call_open(by=request.user, batch=batch,
                                                                           **open_form.cleaned_data))
        elif action == "nominate" and the_call and nominate_form.is_valid():
            chosen = nominate_form.candidates[nominate_form.cleaned_data["candidate"]]
            saved, _x = attempt(nominate_form, lambda: call_services.nomination_create(
                by=request.user, call=the_call, candidate=chosen, today=today))
        elif action in ("approve", "decline") and the_call:
            nomination = selectors.nomination_of(call=the_call, pk=request.POST.get("nomination", ""))
            if decide_form.is_valid():
                saved, _x = attempt(decide_form, lambda: call_services.nomination_decide(
                    by=request.user, nomination=nomination, approve=action == "approve",
                    reason=decide_form.cleaned_data["reason"], today=today))
        if saved:
            messages.success(request, _("Call for candidates updated."))
            return redirect("deployments:call", pk=pk)
    nominations = list(selectors.nominations_of(call=the_call, user=request.user, manager=manager)) if the_call else []
    return render(request, "deployments/call.html", {
        "batch": batch, "call": the_call, "manager": manager, "is_open": bool(the_call and the_call.is_open(today)),
        "nominations": nominations, "open_form": open_form, "nominate_form": nominate_form,
        "decide_form": decide_form, "decided": request.POST.get("nomination", ""),
        "breadcrumbs": crumbs((_("Deployments"), reverse("deployments:home")),
                              (programme.name, reverse("deployments:programme", args=[programme.pk])
                               if manager else None),
                              (_("Call for candidates, batch %(n)s") % {"n": batch.number}, None)),
    }, status=400 if request.method == "POST" else 200)
