"""Referrals: the HTML pages (pipeline board, intake, the referral's page and its steps, figures, letters)."""

import csv
import json

from django.contrib import messages
from django.core.serializers.json import DjangoJSONEncoder
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import select_template
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from caravan.core import audit
from caravan.core.pages import attempt, crumbs, page, posted, require
from caravan.core.pagination import page_of
from caravan.registry.vocab import SPECIALTIES

from . import export, forms, identity, matching, preassessment, readiness, scope, selectors, services
from . import stages as S
from .models import LETTER_LANGUAGES, Outcome

SECTION = "referrals"
TOP_HOSPITALS = 15

REASONS = {
    matching.NOT_READY: lambda: _("not ready for foreign patients in this specialty"),
    matching.NO_CAPACITY_DECLARED: lambda: _("no monthly capacity declared"),
    matching.CAPACITY_USED_UP: lambda: _("this month's capacity is used up"),
    matching.CAPACITY_LEFT: lambda: _("capacity left this month"),
    matching.SPEAKS_LANGUAGE: lambda: _("staff speak the patient's language"),
    matching.INTERPRETER: lambda: _("an interpreter for the patient's language"),
    matching.NO_LANGUAGE: lambda: _("neither staff nor an interpreter speak the patient's language"),
    matching.ACCREDITED: lambda: _("accredited"),
}


def _crumbs(*trail):
    return crumbs((_("Referrals"), reverse("referrals:home")), *trail)


def _filters(form) -> selectors.BoardFilters:
    if not form.is_valid():
        return selectors.BoardFilters()
    return selectors.BoardFilters(**{k: v or "" for k, v in form.cleaned_data.items()})


@page(SECTION)
def home(request):
    """The pipeline board: every open referral by stage, the longest waiting first, with time in stage."""
    form = forms.BoardFilterForm(request.GET or None)
    columns = selectors.board_for_user(user=request.user, filters=_filters(form))
    context = {"form": form, "columns": columns, "now": timezone.now(), "can_refer": scope.can_refer(request.user),
               "can_keep_readiness": scope.access_for(request.user).has_role(*scope.OFFICE_ROLES),
               "breadcrumbs": crumbs((_("Referrals"), None))}
    if request.headers.get("HX-Request"):
        return render(request, "referrals/_board.html", context)
    return render(request, "referrals/home.html", context)


@page(SECTION)
def create(request):
    require(scope.can_refer(request.user))
    agreements = selectors.agreements_for_intake(user=request.user)
    form = forms.IntakeForm.build(posted(request), request.FILES or None, agreements=agreements)
    if request.method == "POST" and form.is_valid():
        document = form.cleaned_data.get("document")
        saved, referral = attempt(form, lambda: services.referral_create(
            by=request.user, data=form.service_data(), documents=[document] if document else []))
        if saved:
            messages.success(request, _("Referral %(ref)s received.") % {"ref": referral.reference})
            return redirect("referrals:detail", pk=referral.pk)
    return render(request, "referrals/form.html", {
        "form": form, "title": _("New referral"), "multipart": True,
        "breadcrumbs": _crumbs((_("New referral"), None)),
    }, status=400 if request.method == "POST" else 200)


def _detail(request, referral, *, status=200, **forms_given):
    user = request.user
    office = scope.is_office(user, referral)
    referrer = scope.is_referrer(user, referral)
    staff = scope.is_hospital_staff(user, referral.receiving_facility)
    extra = selectors.referral_detail(user=user, referral=referral)
    match = None
    offer_form = forms_given.get("offer_form")
    if referral.status in (S.RECEIVED, S.PRE_ASSESSMENT, S.OFFERS) and office:
        match = selectors.match_for_referral(referral=referral)
        offered = {o.facility_id for o in extra["offers"]}
        hospitals = [(c.hospital.facility_id, c.hospital.name) for c in match.eligible
                     if c.hospital.facility_id not in offered]
        offer_form = offer_form or forms.OfferForm(hospitals=hospitals)
        offer_form.fields["facility"].choices = hospitals
    teleconsult_form = None
    if match is not None and preassessment.can_open_case(user, referral):
        # The hospitals ready in the specialty, from the match already computed: no further query.
        ready = [(c.hospital.facility_id, c.hospital.name) for c in match.candidates
                 if referral.specialty.code in c.hospital.ready_for]
        teleconsult_form = forms_given.get("teleconsult_form") or forms.TeleconsultForm(
            hospitals=ready, initial={"question": _("Pre-assessment for a referred patient: %(diagnosis)s (%(icd)s). "
                                                    "Is treatment here indicated, and what would it involve?")
                                      % {"diagnosis": referral.diagnosis, "icd": referral.icd10}})
        teleconsult_form.fields["facility"].choices = ready
    stay_step = {S.LETTER_ISSUED: S.ARRIVED, S.ARRIVED: S.ADMITTED, S.ADMITTED: S.DISCHARGED}.get(referral.status)
    moves = []
    if office:
        nxt = S.next_of(referral.status)
        if nxt in (S.PRE_ASSESSMENT, S.OFFERS, S.CLOSED):
            moves.append(nxt)
        if referral.status in S.STOPPABLE:
            moves.append(S.DECLINED)
    if referrer and referral.status in S.STOPPABLE:
        moves.append(S.WITHDRAWN)
    labels = dict(selectors.Status.choices)
    return render(request, "referrals/detail.html", {
        "r": referral, **extra, "match": match, "reasons": REASONS,
        "passport": referral.passport_number if scope.sees_passport(user, referral)
        else identity.mask_passport(referral.passport_number),
        "office": office, "referrer": referrer, "staff": staff,
        "days_in_stage": (timezone.now() - referral.stage_since).days,
        "offer_form": offer_form,
        "letter_form": forms_given.get("letter_form") or forms.LetterForm(initial={"language": _letter_default(referral)}),
        "stay_form": forms_given.get("stay_form") or forms.StayForm(), "stay_step": stay_step,
        "stay_label": labels.get(stay_step, ""),
        "followup_form": forms_given.get("followup_form") or forms.FollowUpForm(),
        "move_form": forms_given.get("move_form") or forms.MoveForm(),
        "moves": [(m, labels[m]) for m in moves],
        "pre_form": forms_given.get("pre_form") or forms.PreAssessmentForm(),
        "document_form": forms_given.get("document_form") or forms.DocumentForm(),
        "teleconsult_form": teleconsult_form,
        "teleconsult_url": reverse("teleconsult:case_detail", args=[referral.teleconsult_case_id])
        if referral.teleconsult_case_id and preassessment.teleconsult_installed() else None,
        "can_add_documents": (office or referrer) and referral.status not in S.ENDED,
        "breadcrumbs": _crumbs((referral.reference, None)),
    }, status=status)


def _letter_default(referral):
    return referral.language if referral.language in ("fa", "ar", "ru", "zh") else "en"


@page(SECTION)
def detail(request, pk: int):
    referral = selectors.referral_get_for_user(user=request.user, pk=pk)
    return _detail(request, referral)


def _step(request, pk, form_cls, name, write, done):
    """A POSTed step on a referral: on success back to its page, on refusal its page with the errors (400).

    `form_cls` is a form class or any callable that makes the form from the posted data.
    """
    if request.method != "POST":
        return redirect("referrals:detail", pk=pk)
    referral = selectors.referral_get_for_user(user=request.user, pk=pk, record_read=False)
    form = form_cls(request.POST)
    if form.is_valid():
        saved, _result = attempt(form, lambda: write(referral, form.cleaned_data))
        if saved:
            messages.success(request, done)
            return redirect("referrals:detail", pk=pk)
    _errors_to_messages(request, form)
    return _detail(request, referral, status=400, **{name: form})


def _facility_posted(form_cls):
    """The form with its hospital list set to the posted one: the page fills it from the matcher, and the
    service checks the hospital, so the form only has to accept the choice.
    """

    def make(data):
        form = form_cls(data)
        facility = data.get("facility")
        form.fields["facility"].choices = [(facility, "")] if facility else []
        return form

    return make


def _errors_to_messages(request, form):
    """A refused step's reasons also go to the top of the page: its form may no longer be shown there."""
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


@page(SECTION)
def pre_assess(request, pk: int):
    return _step(request, pk, forms.PreAssessmentForm, "pre_form", lambda r, d: services.pre_assessment_record(
        by=request.user, referral=r, text=d["pre_assessment"]), _("Pre-assessment recorded."))


@page(SECTION)
def offer_add(request, pk: int):
    return _step(request, pk, _facility_posted(forms.OfferForm), "offer_form", lambda r, d: services.offer_create(
        by=request.user, referral=r, data=d), _("Offer recorded."))


@page(SECTION)
def offer_accept(request, pk: int, offer_id: int):
    if request.method != "POST":
        return redirect("referrals:detail", pk=pk)
    referral = selectors.referral_get_for_user(user=request.user, pk=pk, record_read=False)
    form = forms.MoveForm()
    saved, _offer = attempt(form, lambda: services.offer_accept(by=request.user, referral=referral,
                                                                offer_id=offer_id))
    if saved:
        messages.success(request, _("Offer accepted."))
        return redirect("referrals:detail", pk=pk)
    _errors_to_messages(request, form)
    return _detail(request, referral, status=400)


@page(SECTION)
def letter_issue(request, pk: int):
    return _step(request, pk, forms.LetterForm, "letter_form", lambda r, d: services.letter_issue(
        by=request.user, referral=r, language=d["language"]), _("Invitation letter issued."))


@page(SECTION)
def stay(request, pk: int, step: str):
    return _step(request, pk, forms.StayForm, "stay_form", lambda r, d: services.stay_record(
        by=request.user, referral=r, step=step, day=d["day"], procedures=d.get("procedures") or "",
        summary=d.get("summary") or ""), _("Stay recorded."))


@page(SECTION)
def follow_up(request, pk: int, follow_up_id: int):
    return _step(request, pk, forms.FollowUpForm, "followup_form", lambda r, d: services.follow_up_record(
        by=request.user, referral=r, follow_up_id=follow_up_id, done_on=d["done_on"], outcome=d["outcome"],
        note=d.get("note") or ""), _("Follow-up recorded."))


@page(SECTION)
def move(request, pk: int):
    return _step(request, pk, forms.MoveForm, "move_form", lambda r, d: services.referral_advance(
        by=request.user, referral=r, to=d["to"], reason=d.get("reason") or ""), _("Stage changed."))


@page(SECTION)
def letter(request, pk: int):
    """The print-ready invitation letter, in the language it was issued in (or ?lang= another letter language)."""
    referral = selectors.referral_get_for_user(user=request.user, pk=pk, record_read=False)
    require(scope.is_office(request.user, referral) or scope.is_referrer(request.user, referral))
    if not referral.letter_reference:
        raise Http404
    audit.record_read(actor=request.user, obj=referral, organisation=referral.receiving_organisation)
    lang = request.GET.get("lang") or referral.letter_language
    if lang not in dict(LETTER_LANGUAGES):
        lang = referral.letter_language
    template = select_template([f"referrals/letters/letter_{lang}.html"])
    verify_url = request.build_absolute_uri(reverse("referrals:verify", args=[referral.letter_reference]))
    offer = next((o for o in referral.offers.select_related("facility") if o.state == "accepted"), None)
    return HttpResponse(template.render({"r": referral, "offer": offer, "verify_url": verify_url,
                                         "lang": lang}, request))


@page(SECTION)
def teleconsult_open(request, pk: int):
    """Open a teleconsultation case for the pre-assessment, and link it to the referral."""
    return _step(request, pk, _facility_posted(forms.TeleconsultForm), "teleconsult_form",
                 lambda r, d: preassessment.teleconsult_open(by=request.user, referral=r, facility_id=d["facility"],
                                                             question=d["question"]),
                 _("Teleconsultation case opened for the pre-assessment."))


@page(SECTION)
def document_add(request, pk: int):
    """A report or image added after intake; listed on the referral's page."""
    if request.method != "POST":
        return redirect("referrals:detail", pk=pk)
    referral = selectors.referral_get_for_user(user=request.user, pk=pk, record_read=False)
    form = forms.DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        saved, _doc = attempt(form, lambda: services.document_add(
            by=request.user, referral=referral, upload=form.cleaned_data.get("file"),
            title=form.cleaned_data.get("title") or ""))
        if saved:
            messages.success(request, _("Document added."))
            return redirect("referrals:detail", pk=pk)
    _errors_to_messages(request, form)
    return _detail(request, referral, status=400, document_form=form)


@page(SECTION)
def document(request, pk: int, doc_id: int):
    referral = selectors.referral_get_for_user(user=request.user, pk=pk)
    doc = referral.documents.filter(pk=doc_id).first()
    if doc is None:
        raise Http404
    response = FileResponse(doc.file.open("rb"), content_type=doc.content_type)
    response["Content-Disposition"] = f'attachment; filename="{doc.token}{doc.extension}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@page(SECTION)
def patient_export(request, pk: int):
    """Everything held about the patient (their right of access), as JSON or a printable page."""
    referral = selectors.referral_get_for_user(user=request.user, pk=pk, record_read=False)
    require(scope.is_office(request.user, referral) or scope.is_referrer_lead(request.user, referral))
    audit.record_read(actor=request.user, obj=referral, organisation=referral.receiving_organisation)
    data = export.everything_held(referral)
    if request.GET.get("format") == "json":
        response = HttpResponse(json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
                                content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{referral.reference}.json"'
        return response
    return render(request, "referrals/export.html", {"r": referral, "data": data,
                                                     "breadcrumbs": _crumbs((referral.reference, None))})


def _period(request):
    today = timezone.localdate()
    try:
        months = max(1, min(int(request.GET.get("months", 12)), 60))
    except ValueError:
        months = 12
    first = today.replace(day=1)
    for _i in range(months - 1):
        first = (first.replace(day=1) - timezone.timedelta(days=1)).replace(day=1)
    return first, today, months


@page(SECTION)
def figures(request):
    start, end, months = _period(request)
    csv_wanted = request.GET.get("format") == "csv"
    # The page shows the busiest hospitals (chosen in SQL); the CSV has every one.
    data = selectors.figures_for_user(user=request.user, start=start, end=end,
                                      top=None if csv_wanted else TOP_HOSPITALS)
    if csv_wanted:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="referrals-by-month.csv"'
        writer = csv.writer(response)
        writer.writerow(["dimension", "name", *data["months"], "total"])
        writer.writerow(["all", "", *data["total"], sum(data["total"])])
        for dim in ("country", "specialty", "hospital", "outcome", "capacity_used"):
            for row in data[dim]:
                writer.writerow([dim, row["name"], *row["months"], row["total"]])
        return response
    for row in data["specialty"]:
        row["name"] = SPECIALTIES.get(row["name"], row["name"])
    outcomes = dict(Outcome.choices)
    for row in data["outcome"]:
        row["name"] = outcomes.get(row["name"], "")
    chart = {"labels": data["months"], "series": [{"name": r["name"] or "—", "data": r["months"]}
                                                  for r in data["country"]]}
    # The page shows the busiest hospitals; the CSV has every one.
    busiest = sorted(data["capacity_used"], key=lambda r: (-r["total"], r["name"]))[:TOP_HOSPITALS]
    hospital_chart = {"labels": data["months"], "series": [{"name": r["name"] or "—", "data": r["months"]}
                                                           for r in busiest]}
    data["hospital"] = sorted(data["hospital"], key=lambda r: (-r["total"], r["name"]))[:TOP_HOSPITALS]
    data["capacity_used"] = busiest
    return render(request, "referrals/figures.html", {
        "data": data, "chart": chart, "hospital_chart": hospital_chart, "months": months,
        "breadcrumbs": _crumbs((_("Figures"), None)),
    })


# ------------------------------------------------------------------ ready hospitals


@page(SECTION)
def hospitals(request):
    """The hospitals whose readiness for foreign patients the user's office keeps."""
    rows = readiness.hospitals_for_office(user=request.user)
    return render(request, "referrals/hospitals.html", {
        "page": page_of(request, rows), "breadcrumbs": _crumbs((_("Ready hospitals"), None))})


@page(SECTION)
def hospital_readiness(request, facility_id: int):
    """Edit one hospital's readiness: specialties, monthly capacity, interpreters, accreditation, languages."""
    current = readiness.readiness_get_for_user(user=request.user, facility_id=facility_id)
    form = forms.ReadinessForm(posted(request), readiness=current)
    if request.method == "POST" and form.is_valid():
        saved, _result = attempt(form, lambda: readiness.readiness_set(
            by=request.user, facility=current.facility, data=form.service_data()))
        if saved:
            messages.success(request, _("Readiness of %(hospital)s saved.") % {"hospital": current.facility.name})
            return redirect("referrals:hospital_readiness", facility_id=facility_id)
    return render(request, "referrals/readiness.html", {
        "form": form, "facility": current.facility,
        "breadcrumbs": _crumbs((_("Ready hospitals"), reverse("referrals:hospitals")), (current.facility.name, None)),
    }, status=400 if request.method == "POST" else 200)
