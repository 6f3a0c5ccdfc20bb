"""The agreement pages: list, detail with fulfilment, forms, lifecycle, documents, network, notifications.

Views stay thin: parse a form, call one selector or service, render. An
agreement the user may not see is a 404 (missing and forbidden look alike); a
write the user may not make is a 403; bad input is shown beside its field with
status 400 and nothing is saved.
"""

from html import escape

from django.contrib import messages
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caravan.core.errors import ApplicationError, NotFound, PermissionDenied
from caravan.core.pages import attempt, crumbs, posted, require
from caravan.core.pages import page as agreements_page
from caravan.core.pagination import page_of

from . import document_services, forms, selectors, services, visit_selectors
from .lifecycle import ALLOWED
from .models import Agreement


def _agreement_crumbs(agreement: Agreement | None = None, *tail) -> list[dict]:
    trail = [(_("Agreements"), reverse("partnerships:agreement_list"))]
    if agreement is not None:
        trail.append((agreement.code, reverse("partnerships:agreement_detail", args=[agreement.pk])))
    return crumbs(*trail, *tail)


# ---------------------------------------------------------------- list and detail


@agreements_page("agreements")
def agreement_list(request):
    today = timezone.localdate()
    form = forms.AgreementFilterForm(request.GET, user=request.user)
    rows = selectors.agreement_list_for_user(user=request.user, filters=form.filters(), today=today)
    page = page_of(request, rows)
    return render(request, "partnerships/agreement_list.html", {
        "filter_form": form, "page": page, "rows": selectors.agreement_rows(list(page.object_list), today=today),
        "create_url": reverse("partnerships:agreement_create") if selectors.may_record_agreements(request.user)
        else None,
        "breadcrumbs": crumbs((_("Agreements"), None)),
    })


def _period_choice(request) -> tuple[int | None, str]:
    try:
        commitment_id = int(request.GET.get("commitment", ""))
    except ValueError:
        commitment_id = None
    return commitment_id, request.GET.get("period", "")[:16]


@agreements_page("agreements")
def agreement_detail(request, pk: int):
    agreement = selectors.agreement_get_for_user(user=request.user, pk=pk)
    return _agreement_detail(request, agreement)


def _agreement_detail(request, agreement: Agreement, *, commitment_form=None, transition_form=None,
                      status: int = 200):
    today = timezone.localdate()
    can_edit = selectors.agreement_editable_by(user=request.user, agreement=agreement)
    commitment_id, period_key = _period_choice(request)
    closed = agreement.status in {Agreement.Status.EXPIRED, Agreement.Status.TERMINATED}
    if can_edit and not closed and commitment_form is None:
        commitment_form = forms.CommitmentForm(prefix="new")
    return render(request, "partnerships/agreement_detail.html", {
        "agreement": agreement,
        "can_edit": can_edit,
        "closed": closed,
        "health": selectors.agreement_health(agreement=agreement, today=today),
        "reports": selectors.agreement_fulfilment(agreement=agreement, today=today, commitment_id=commitment_id,
                                                  period_key=period_key),
        "implementing": selectors.implementing_agreements(user=request.user, agreement=agreement),
        "successor": getattr(agreement, "successor", None) if _has_successor(agreement) else None,
        "visits": visit_selectors.visits_citing(user=request.user, agreement=agreement)[:10],
        "commitment_form": commitment_form if can_edit and not closed else None,
        "transition_form": transition_form,
        "next_steps": _next_steps(agreement) if can_edit else [],
        "breadcrumbs": _agreement_crumbs(None, (agreement.code, None)),
    }, status=status)


def _has_successor(agreement: Agreement) -> bool:
    try:
        return agreement.successor is not None
    except Agreement.successor.RelatedObjectDoesNotExist:
        return False


def _next_steps(agreement: Agreement) -> list[str]:
    """The status changes a person may ask for next (expiry is the daily task's)."""
    return [to for to in ("signed", "active", "terminated") if to in ALLOWED.get(agreement.status, set())]


# ---------------------------------------------------------------- create and edit


def _agreement_form_page(request, *, form, parties, commitments, title, cancel_url, crumb_trail, status=None):
    if status is None:
        status = 400 if request.method == "POST" else 200
    return render(request, "partnerships/agreement_form.html", {
        "form": form, "parties": parties, "commitments": commitments, "title": title, "cancel_url": cancel_url,
        "breadcrumbs": crumb_trail,
    }, status=status)


def _formsets_valid(*formsets) -> bool:
    return all(fs is None or fs.is_valid() for fs in formsets)


def _nested_errors_to_formsets(form, exc: ApplicationError, parties, commitments) -> None:
    """Show the service's errors: agreement fields on the form, the rest at the top of their section."""
    for field, errors in exc.fields.items():
        for error in errors:
            if field in form.fields:
                form.add_error(field, error)
            elif field.startswith("parties") and parties is not None:
                parties.section_errors.append(error)
            elif field.startswith("commitments") and commitments is not None:
                commitments.section_errors.append(error)
            else:
                form.add_error(None, error)
    if not exc.fields:
        form.add_error(None, str(exc.message))


def _with_section_errors(*formsets):
    for fs in formsets:
        if fs is not None:
            fs.section_errors = []


@agreements_page("agreements")
def agreement_create(request):
    require(selectors.may_record_agreements(request.user))
    form = forms.AgreementForm(posted(request), user=request.user)
    parties = forms.party_formset(posted(request), user=request.user)
    commitments = forms.commitment_formset(posted(request))
    _with_section_errors(parties, commitments)
    if request.method == "POST" and form.is_valid() and _formsets_valid(parties, commitments):
        data = {**form.cleaned_data, "parties": parties.parties(), "commitments": commitments.commitments()}
        try:
            agreement = services.agreement_create(by=request.user, data=data)
        except (NotFound, PermissionDenied):
            raise
        except ApplicationError as exc:
            _nested_errors_to_formsets(form, exc, parties, commitments)
        else:
            messages.success(request, _("The agreement was recorded as a draft."))
            return redirect("partnerships:agreement_detail", pk=agreement.pk)
    return _agreement_form_page(request, form=form, parties=parties, commitments=commitments,
                                title=_("Record an agreement"), cancel_url=reverse("partnerships:agreement_list"),
                                crumb_trail=_agreement_crumbs(None, (_("Record an agreement"), None)))


@agreements_page("agreements")
def agreement_edit(request, pk: int):
    agreement = selectors.agreement_get_for_user(user=request.user, pk=pk)
    require(selectors.agreement_editable_by(user=request.user, agreement=agreement))
    form = forms.AgreementForm(posted(request), instance=agreement, user=request.user)
    parties = None
    if agreement.status == Agreement.Status.DRAFT:
        initial = [
            {"organisation": p.organisation, "role": p.role, "signatory_name": p.signatory_name,
             "signatory_title": p.signatory_title, "signed": p.signed}
            for p in agreement.parties.all()
        ]
        parties = forms.party_formset(posted(request), user=request.user, initial=initial, blank_rows=2)
    _with_section_errors(parties)
    if request.method == "POST" and form.is_valid() and _formsets_valid(parties):
        data = dict(form.cleaned_data)
        if parties is not None:
            data["parties"] = parties.parties()
        try:
            services.agreement_update(by=request.user, agreement=agreement, data=data)
        except (NotFound, PermissionDenied):
            raise
        except ApplicationError as exc:
            _nested_errors_to_formsets(form, exc, parties, None)
        else:
            messages.success(request, _("The agreement was saved."))
            return redirect("partnerships:agreement_detail", pk=agreement.pk)
    return _agreement_form_page(
        request, form=form, parties=parties, commitments=None,
        title=_("Edit %(code)s") % {"code": agreement.code},
        cancel_url=reverse("partnerships:agreement_detail", args=[agreement.pk]),
        crumb_trail=_agreement_crumbs(agreement, (_("Edit"), None)),
    )


# ---------------------------------------------------------------- deletion


@agreements_page("agreements")
def agreement_delete(request, pk: int):
    """A confirmation page, then the deletion of a draft; anything else explains why it stays."""
    agreement = selectors.agreement_get_for_user(user=request.user, pk=pk)
    require(selectors.agreement_editable_by(user=request.user, agreement=agreement))
    problems = services.deletion_problems(agreement)
    if request.method == "POST" and not problems:
        try:
            services.agreement_delete(by=request.user, agreement=agreement)
        except (NotFound, PermissionDenied):
            raise
        except ApplicationError as exc:
            problems = exc.fields or {"agreement": [exc.message]}
        else:
            messages.success(request, _("The draft %(code)s was deleted.") % {"code": agreement.code})
            return redirect("partnerships:agreement_list")
    return render(request, "partnerships/agreement_delete.html", {
        "agreement": agreement, "problems": problems,
        "cancel_url": reverse("partnerships:agreement_detail", args=[agreement.pk]),
        "breadcrumbs": _agreement_crumbs(agreement, (_("Delete"), None)),
    }, status=400 if request.method == "POST" else 200)


# ---------------------------------------------------------------- lifecycle


TRANSITION_MESSAGES = {
    "signed": _("The agreement is marked as signed."),
    "active": _("The agreement is now active."),
    "terminated": _("The agreement was terminated."),
}


@agreements_page("agreements")
@require_POST
def agreement_transition(request, pk: int):
    agreement = selectors.agreement_get_for_user(user=request.user, pk=pk)
    require(selectors.agreement_editable_by(user=request.user, agreement=agreement))
    form = forms.TransitionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        saved, _result = attempt(form, lambda: services.agreement_transition(
            by=request.user, agreement=agreement, to=data["to"], signed_on=data.get("signed_on"),
            reason=data.get("reason") or "",
        ))
        if saved:
            messages.success(request, str(TRANSITION_MESSAGES.get(data["to"], _("The agreement was saved."))))
            return redirect("partnerships:agreement_detail", pk=agreement.pk)
    agreement = selectors.agreement_get_for_user(user=request.user, pk=pk)
    return _agreement_detail(request, agreement, transition_form=form, status=400)


@agreements_page("agreements")
def agreement_renew(request, pk: int):
    agreement = selectors.agreement_get_for_user(user=request.user, pk=pk)
    require(selectors.agreement_editable_by(user=request.user, agreement=agreement))
    form = forms.RenewForm(posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved, successor = attempt(form, lambda: services.agreement_renew(
            by=request.user, agreement=agreement, code=data["code"], start=data["start"], end=data.get("end"),
            title=data.get("title") or "",
        ))
        if saved:
            messages.success(request, _("The renewal was recorded as a draft; the parties sign it again."))
            return redirect("partnerships:agreement_detail", pk=successor.pk)
    return render(request, "partnerships/simple_form.html", {
        "form": form, "title": _("Renew %(code)s") % {"code": agreement.code},
        "intro": _("The renewal copies the parties, scopes and commitments into a new draft linked to this "
                   "agreement."),
        "cancel_url": reverse("partnerships:agreement_detail", args=[agreement.pk]),
        "submit_label": _("Renew"),
        "breadcrumbs": _agreement_crumbs(agreement, (_("Renew"), None)),
    }, status=400 if request.method == "POST" else 200)


@agreements_page("agreements")
def party_edit(request, pk: int, party_pk: int):
    party = selectors.party_get_for_user(user=request.user, agreement_pk=pk, pk=party_pk)
    agreement = party.agreement
    require(selectors.agreement_editable_by(user=request.user, agreement=agreement))
    initial = {"signatory_name": party.signatory_name, "signatory_title": party.signatory_title,
               "signed": party.signed}
    form = forms.SignatoryForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        saved, _result = attempt(form, lambda: services.party_update(by=request.user, party=party,
                                                                     data=form.cleaned_data))
        if saved:
            messages.success(request, _("The signatory was saved."))
            return redirect(reverse("partnerships:agreement_detail", args=[agreement.pk]) + "#parties")
    return render(request, "partnerships/simple_form.html", {
        "form": form, "title": _("Signatory of %(name)s") % {"name": party.organisation.name},
        "cancel_url": reverse("partnerships:agreement_detail", args=[agreement.pk]),
        "breadcrumbs": _agreement_crumbs(agreement, (party.organisation.name, None)),
    }, status=400 if request.method == "POST" else 200)


# ---------------------------------------------------------------- commitments


@agreements_page("agreements")
@require_POST
def commitment_create(request, pk: int):
    agreement = selectors.agreement_get_for_user(user=request.user, pk=pk)
    require(selectors.agreement_editable_by(user=request.user, agreement=agreement))
    form = forms.CommitmentForm(request.POST, prefix="new")
    if form.is_valid():
        saved, _result = attempt(form, lambda: services.commitment_add(by=request.user, agreement=agreement,
                                                                       data=form.cleaned_data))
        if saved:
            messages.success(request, _("The commitment was added."))
            return redirect(reverse("partnerships:agreement_detail", args=[agreement.pk]) + "#commitments")
    agreement = selectors.agreement_get_for_user(user=request.user, pk=pk)
    return _agreement_detail(request, agreement, commitment_form=form, status=400)


@agreements_page("agreements")
def commitment_edit(request, pk: int, commitment_pk: int):
    commitment = selectors.commitment_get_for_user(user=request.user, agreement_pk=pk, pk=commitment_pk)
    agreement = commitment.agreement
    require(selectors.agreement_editable_by(user=request.user, agreement=agreement))
    initial = {"metric": commitment.metric, "target": commitment.target, "period": commitment.period,
               "note": commitment.note}
    form = forms.CommitmentForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        saved, _result = attempt(form, lambda: services.commitment_update(by=request.user, commitment=commitment,
                                                                          data=form.cleaned_data))
        if saved:
            messages.success(request, _("The commitment was saved."))
            return redirect(reverse("partnerships:agreement_detail", args=[agreement.pk]) + "#commitments")
    return render(request, "partnerships/simple_form.html", {
        "form": form, "title": _("Edit a commitment of %(code)s") % {"code": agreement.code},
        "cancel_url": reverse("partnerships:agreement_detail", args=[agreement.pk]),
        "breadcrumbs": _agreement_crumbs(agreement, (_("Edit a commitment"), None)),
    }, status=400 if request.method == "POST" else 200)


@agreements_page("agreements")
@require_POST
def commitment_delete(request, pk: int, commitment_pk: int):
    commitment = selectors.commitment_get_for_user(user=request.user, agreement_pk=pk, pk=commitment_pk)
    try:
        services.commitment_remove(by=request.user, commitment=commitment)
    except PermissionDenied:
        raise
    except ApplicationError as exc:
        messages.error(request, str(exc.fields.get("status", [exc.message])[0]))
    else:
        messages.success(request, _("The commitment was removed."))
    return redirect(reverse("partnerships:agreement_detail", args=[pk]) + "#commitments")


# ---------------------------------------------------------------- documents


@agreements_page("agreements")
def document_upload(request, pk: int):
    agreement = selectors.agreement_get_for_user(user=request.user, pk=pk)
    require(selectors.agreement_editable_by(user=request.user, agreement=agreement))
    form = forms.DocumentForm(posted(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved, _result = attempt(form, lambda: document_services.document_add(
            by=request.user, agreement=agreement, upload=data.get("file"), language=data["language"],
            title=data.get("title") or "",
        ))
        if saved:
            messages.success(request, _("The document was attached."))
            return redirect(reverse("partnerships:agreement_detail", args=[agreement.pk]) + "#documents")
    return render(request, "partnerships/simple_form.html", {
        "form": form, "title": _("Attach a signed text to %(code)s") % {"code": agreement.code},
        "multipart": True, "submit_label": _("Upload"),
        "cancel_url": reverse("partnerships:agreement_detail", args=[agreement.pk]),
        "breadcrumbs": _agreement_crumbs(agreement, (_("Attach a document"), None)),
    }, status=400 if request.method == "POST" else 200)


@agreements_page("agreements")
def document_download(request, pk: int, document_pk: int):
    document = selectors.document_get_for_user(user=request.user, agreement_pk=pk, pk=document_pk)
    response = FileResponse(document.file.open("rb"), content_type=document.content_type,
                            filename=document.original_name)
    # Served from our origin: never let a browser guess a different type or run anything in it.
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'; object-src 'self'"
    response["Cache-Control"] = "private, no-store"
    return response


@agreements_page("agreements")
@require_POST
def document_delete(request, pk: int, document_pk: int):
    document = selectors.document_get_for_user(user=request.user, agreement_pk=pk, pk=document_pk)
    document_services.document_remove(by=request.user, document=document)
    messages.success(request, _("The document was removed."))
    return redirect(reverse("partnerships:agreement_detail", args=[pk]) + "#documents")


# ---------------------------------------------------------------- network and notifications


# Agreements named on a line (tooltip and table); the rest are one click away in the filtered list.
EDGE_AGREEMENTS_SHOWN = 5


def network_edges(graph, *, list_url: str) -> list[dict]:
    """The graph's lines as the page and its script need them: one per pair, with where a click leads."""
    statuses = {code: str(label) for code, label in Agreement.Status.choices}
    edges = []
    for e in graph.edges:
        shown = [{"code": a.code, "title": a.title, "status": statuses.get(a.status, a.status),
                  "url": f"{list_url}{a.id}/"} for a in e.agreements[:EDGE_AGREEMENTS_SHOWN]]
        # One agreement opens it; several open the list of those between the two organisations.
        url = shown[0]["url"] if e.count == 1 else f"{list_url}?organisation={e.source}&partner={e.target}"
        edges.append({"source": str(e.source), "target": str(e.target), "count": e.count,
                      "status": e.agreements[0].status, "agreements": shown, "more": e.count - len(shown),
                      "url": url})
    return edges


def _edge_rows(edges: list[dict], graph, names: dict[int, str]):
    """The table of lines under the graph, as HTML.

    A province has hundreds of lines: built with the standard library's escape in one pass, this costs a
    tenth of format_html (whose lazy-string checks dominated the page) and a hundredth of the template's
    nested loops.
    """
    more = _("and %(count)s more")
    out = []
    for row, e in zip(edges, graph.edges, strict=True):
        agreements = ", ".join(
            f'<a href="{escape(a["url"])}">{escape(a["code"])}</a> '
            f'<span class="text-body-secondary small">{escape(a["status"])}</span>' for a in row["agreements"])
        tail = f' <a href="{escape(row["url"])}">{escape(more % {"count": row["more"]})}</a>' if row["more"] else ""
        out.append(f'<tr data-testid="edge-row"><td>{escape(names[e.source])} — {escape(names[e.target])}</td>'
                   f"<td>{agreements}{tail}</td></tr>")
    return mark_safe("\n".join(out))  # noqa: S308 - every value above is escaped


@agreements_page("network")
def network(request):
    form = forms.NetworkFilterForm(request.GET, user=request.user)
    graph = selectors.network_graph(user=request.user, filters=form.filters())
    names = {n.id: n.name for n in graph.nodes}
    edges = network_edges(graph, list_url=reverse("partnerships:agreement_list"))
    data = {
        "nodes": [{"id": str(n.id), "name": n.name, "country": n.country, "agreements": n.agreements}
                  for n in graph.nodes],
        "edges": edges, "countries": graph.countries,
    }
    edge_rows = _edge_rows(edges, graph, names)
    return render(request, "partnerships/network.html", {
        "filter_form": form, "graph": graph, "graph_data": data, "edge_rows": edge_rows,
        "graph_labels": {"open": _("Click to open the agreement."),
                         "open_many": _("Click to list the agreements between them."),
                         "more": _("and %(count)s more")},
        "limit": selectors.NETWORK_LIMIT,
        "breadcrumbs": crumbs((_("Agreements"), reverse("partnerships:agreement_list")), (_("Network"), None)),
    })


@agreements_page("notifications")
def notification_list(request):
    rows = selectors.notifications_for(user=request.user)
    return render(request, "partnerships/notification_list.html", {
        "page": page_of(request, rows),
        "breadcrumbs": crumbs((_("Notifications"), None)),
    })


@agreements_page("notifications")
@require_POST
def notifications_read(request):
    services.notifications_mark_read(by=request.user)
    messages.success(request, _("All notifications are marked as read."))
    return redirect("partnerships:notification_list")
