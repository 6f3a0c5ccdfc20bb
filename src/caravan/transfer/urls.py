from django.urls import path

from .views import cases, centres, ledger, plans, reports

app_name = "transfer"

urlpatterns = [
    path("", cases.home, name="home"),
    path("cases/", cases.case_list, name="case_list"),
    path("cases/new/", cases.case_new, name="case_new"),
    path("cases/<int:pk>/delete/", cases.case_delete, name="case_delete"),
    path("imports/new/", cases.import_upload, name="import_upload"),
    path("imports/<int:pk>/", cases.import_detail, name="import_detail"),
    path("imports/<int:pk>/progress/", cases.import_progress, name="import_progress"),
    path("imports/<int:pk>/confirm/", cases.import_confirm, name="import_confirm"),
    path("imports/<int:pk>/discard/", cases.import_discard, name="import_discard"),
    path("facilities/<int:pk>/", ledger.facility_matrix, name="facility_matrix"),
    path("facilities/<int:pk>/status/", ledger.capability_set, name="capability_set"),
    path("capabilities/<int:pk>/", ledger.capability_detail, name="capability_detail"),
    path("regions/<int:pk>/", ledger.region_matrix, name="region_matrix"),
    path("plans/", plans.plan_list, name="plan_list"),
    path("plans/new/", plans.plan_create, name="plan_create"),
    path("plans/<int:pk>/", plans.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/edit/", plans.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/items/", plans.item_add, name="item_add"),
    path("items/<int:pk>/edit/", plans.item_edit, name="item_edit"),
    path("items/<int:pk>/remove/", plans.item_remove, name="item_remove"),
    path("reports/cross-level/", reports.cross_level, name="report_cross_level"),
    path("reports/cases/", reports.cases_by_period, name="report_cases"),
    path("reports/transferred/", reports.transferred, name="report_transferred"),
    path("reports/sustainability/", reports.sustainability, name="report_sustainability"),
    path("centres/", centres.centre_list, name="centre_list"),
    path("centres/new/", centres.centre_create, name="centre_create"),
    path("centres/<int:pk>/edit/", centres.centre_edit, name="centre_edit"),
    path("studios/new/", centres.studio_create, name="studio_create"),
    path("studios/<int:pk>/", centres.studio_detail, name="studio_detail"),
    path("studios/<int:pk>/edit/", centres.studio_edit, name="studio_edit"),
    path("studios/<int:pk>/lead/", centres.studio_person, {"role": "lead"}, name="studio_lead"),
    path("studios/<int:pk>/trainees/", centres.studio_person, {"role": "trainee"}, name="studio_trainee"),
]
