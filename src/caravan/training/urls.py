from django.urls import path

from . import mentoring_views, public_views, views

app_name = "training"

urlpatterns = [
    path("", views.course_list, name="course_list"),
    path("mine/", views.my_training, name="my_training"),
    path("calendar.ics", views.my_calendar, name="calendar"),
    path("courses/new/", views.course_create, name="course_create"),
    path("courses/<int:pk>/", views.course_detail, name="course_detail"),
    path("courses/<int:pk>/edit/", views.course_edit, name="course_edit"),
    path("courses/<int:pk>/calendar.ics", views.course_calendar, name="course_calendar"),
    path("courses/<int:pk>/sessions/new/", views.session_create, name="session_create"),
    path("courses/<int:pk>/enrol/", views.enrolment_create, name="enrolment_create"),
    path("sessions/<int:pk>/edit/", views.session_edit, name="session_edit"),
    path("sessions/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("enrolments/<int:pk>/", views.enrolment_detail, name="enrolment_detail"),
    path("enrolments/<int:pk>/assess/", views.enrolment_assess, name="enrolment_assess"),
    path("enrolments/<int:pk>/complete/", views.enrolment_complete, name="enrolment_complete"),
    path("enrolments/<int:pk>/withdraw/", views.enrolment_withdraw, name="enrolment_withdraw"),
    path("enrolments/<int:pk>/certificate/", views.certificate_issue, name="certificate_issue"),
    path("certificates/<int:pk>/", views.certificate_print, name="certificate_print"),
    path("certificates/<int:pk>/revoke/", views.certificate_revoke, name="certificate_revoke"),
    path("verify/", public_views.verify, name="verify"),
    path("verify/<str:code>/", public_views.verify_code, name="verify_code"),
    path("series/", mentoring_views.series_list, name="series_list"),
    path("series/new/", mentoring_views.series_create, name="series_create"),
    path("series/<int:pk>/", mentoring_views.series_detail, name="series_detail"),
    path("series/<int:pk>/edit/", mentoring_views.series_edit, name="series_edit"),
    path("series/<int:pk>/calendar.ics", mentoring_views.series_calendar, name="series_calendar"),
    path("series/<int:pk>/sessions/new/", mentoring_views.msession_create, name="msession_create"),
    path("mentoring-sessions/<int:pk>/", mentoring_views.msession_detail, name="msession_detail"),
    path("mentoring-sessions/<int:pk>/edit/", mentoring_views.msession_edit, name="msession_edit"),
    path("mentoring-sessions/<int:pk>/cases/new/", mentoring_views.presentation_create, name="presentation_create"),
    path("mentoring-sessions/<int:pk>/attendance/", mentoring_views.site_attendance, name="site_attendance"),
    path("cases/<int:pk>/edit/", mentoring_views.presentation_edit, name="presentation_edit"),
    path("cases/<int:pk>/review/", mentoring_views.presentation_review, name="presentation_review"),
]
