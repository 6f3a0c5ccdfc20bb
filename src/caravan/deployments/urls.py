from django.urls import path

from . import views

app_name = "deployments"

urlpatterns = [
    path("", views.home, name="home"),
    path("programmes/<int:pk>/", views.programme_detail, name="programme"),
    path("programmes/<int:pk>/pool/", views.pool, name="pool"),
    path("batches/<int:pk>/needs/", views.needs, name="needs"),
    path("batches/<int:pk>/compose/", views.compose, name="compose"),
    path("postings/", views.posting_list, name="postings"),
    path("postings/<int:pk>/", views.posting_detail, name="posting"),
    path("postings/<int:pk>/act/", views.posting_action, name="posting_action"),
    path("emergencies/<int:pk>/", views.emergency_detail, name="emergency"),
    path("emergencies/<int:pk>/reports.csv", views.emergency_reports_csv, name="emergency_csv"),
]
