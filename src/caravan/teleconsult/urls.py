from django.urls import path

from . import mdt_views, views

app_name = "teleconsult"

urlpatterns = [
    path("", views.home, name="home"),
    path("cases/new/", views.case_new, name="case_new"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/live/", views.case_live, name="case_live"),
    path("cases/<int:pk>/assign/", views.case_assign, name="case_assign"),
    path("cases/<int:pk>/review/", views.case_review, name="case_review"),
    path("cases/<int:pk>/return/", views.case_return, name="case_return"),
    path("cases/<int:pk>/resubmit/", views.case_resubmit, name="case_resubmit"),
    path("cases/<int:pk>/report/", views.case_report, name="case_report"),
    path("cases/<int:pk>/confirm/", views.case_confirm, name="case_confirm"),
    path("cases/<int:pk>/messages/", views.case_message, name="case_message"),
    path("cases/<int:pk>/attachments/", views.case_upload, name="case_upload"),
    path("cases/<int:pk>/follow-ups/", views.case_follow_up, name="case_follow_up"),
    path("cases/<int:pk>/follow-ups/<int:follow_up>/schedule/", views.follow_up_schedule, name="follow_up_schedule"),
    path("notices/", views.notices, name="notices"),
    path("awaiting-receipt/", views.awaiting_receipt, name="awaiting_receipt"),
    path("mdt/", mdt_views.mdt_list, name="mdt_list"),
    path("mdt/new/", mdt_views.mdt_new, name="mdt_new"),
    path("mdt/<int:pk>/", mdt_views.mdt_detail, name="mdt_detail"),
    path("mdt/<int:pk>/attendance/", mdt_views.mdt_attendance, name="mdt_attendance"),
    path("mdt/<int:pk>/items/<int:item>/decision/", mdt_views.mdt_decision, name="mdt_decision"),
    path("attachments/<int:pk>/", views.attachment_view, name="attachment"),
    path("attachments/<int:pk>/ecg.json", views.attachment_ecg, name="attachment_ecg"),
    path("attachments/<int:pk>/frames/<int:frame>.png", views.attachment_frame, name="attachment_frame"),
    path("attachments/<int:pk>/download/", views.attachment_download, name="attachment_download"),
]
