from django.urls import path

from . import call_views, inspection_views, pool_views, views

app_name = "deployments"

urlpatterns = [
    path("", views.home, name="home"),
    path("programmes/<int:pk>/", views.programme_detail, name="programme"),
    path("programmes/<int:pk>/pool/", pool_views.pool, name="pool"),
    path("candidates/<int:pk>/", pool_views.candidate, name="candidate"),
    path("batches/<int:pk>/call/", call_views.call, name="call"),
    path("programmes/<int:pk>/inspections/", inspection_views.inspections, name="inspections"),
    path("inspections/<int:pk>/", inspection_views.inspection, name="inspection"),
    path("batches/<int:pk>/needs/", views.needs, name="needs"),
    path("batches/<int:pk>/compose/", views.compose, name="compose"),
    path("postings/", views.posting_list, name="postings"),
    path("postings/<int:pk>/", views.posting_detail, name="posting"),
    path("postings/<int:pk>/act/", views.posting_action, name="posting_action"),
    path("emergencies/<int:pk>/", views.emergency_detail, name="emergency"),
    path("emergencies/<int:pk>/reports.csv", views.emergency_reports_csv, name="emergency_csv"),
]
