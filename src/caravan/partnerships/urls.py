from django.urls import path

from . import views, visit_views

app_name = "partnerships"

urlpatterns = [
    path("", views.agreement_list, name="agreement_list"),
    path("new/", views.agreement_create, name="agreement_create"),
    path("network/", views.network, name="network"),
    path("notifications/", views.notification_list, name="notification_list"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("<int:pk>/", views.agreement_detail, name="agreement_detail"),
    path("<int:pk>/edit/", views.agreement_edit, name="agreement_edit"),
    path("<int:pk>/status/", views.agreement_transition, name="agreement_transition"),
    path("<int:pk>/renew/", views.agreement_renew, name="agreement_renew"),
    path("<int:pk>/delete/", views.agreement_delete, name="agreement_delete"),
    path("<int:pk>/parties/<int:party_pk>/", views.party_edit, name="party_edit"),
    path("<int:pk>/commitments/new/", views.commitment_create, name="commitment_create"),
    path("<int:pk>/commitments/<int:commitment_pk>/edit/", views.commitment_edit, name="commitment_edit"),
    path("<int:pk>/commitments/<int:commitment_pk>/delete/", views.commitment_delete, name="commitment_delete"),
    path("<int:pk>/documents/new/", views.document_upload, name="document_upload"),
    path("<int:pk>/documents/<int:document_pk>/", views.document_download, name="document_download"),
    path("<int:pk>/documents/<int:document_pk>/delete/", views.document_delete, name="document_delete"),
    path("visits/", visit_views.visit_list, name="visit_list"),
    path("visits/new/", visit_views.visit_create, name="visit_create"),
    path("visits/calendar.ics", visit_views.visit_calendar_all, name="visit_calendar"),
    path("visits/<int:pk>/", visit_views.visit_detail, name="visit_detail"),
    path("visits/<int:pk>/edit/", visit_views.visit_edit, name="visit_edit"),
    path("visits/<int:pk>/print/", visit_views.visit_print, name="visit_print"),
    path("visits/<int:pk>/calendar.ics", visit_views.visit_ics, name="visit_ics"),
    path("visits/<int:pk>/stops/new/", visit_views.visit_stop_add, name="visit_stop_add"),
    path("visits/<int:pk>/participants/new/", visit_views.visit_participant_add, name="visit_participant_add"),
    path("visits/<int:pk>/outcomes/new/", visit_views.visit_outcome_add, name="visit_outcome_add"),
    path("visits/<int:pk>/<str:item>/<int:item_pk>/delete/", visit_views.visit_item_remove,
         name="visit_item_remove"),
]
