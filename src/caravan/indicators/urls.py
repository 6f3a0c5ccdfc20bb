from django.urls import path

from . import views

app_name = "indicators"

urlpatterns = [
    path("", views.home, name="home"),
    path("regions/<str:code>/", views.region_dashboard, name="region"),
    path("programmes/<str:code>/", views.programme_dashboard, name="programme"),
    path("definitions/", views.indicator_list, name="indicator_list"),
    path("definitions/new/", views.indicator_new, name="indicator_new"),
    path("definitions/<str:code>/edit/", views.indicator_edit, name="indicator_edit"),
    path("export/", views.export, name="export"),
    path("pins/", views.pin, name="pin"),
    path("data/", views.data_values, name="data_values"),
    path("data/new/", views.data_value_new, name="data_value_new"),
    path("data/import/", views.data_value_import, name="data_value_import"),
    path("rebuild/", views.rebuild, name="rebuild"),
    path("rebuild/<int:pk>/", views.rebuild_progress, name="rebuild_progress"),
]
