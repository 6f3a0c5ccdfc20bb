from django.urls import path

from . import views

app_name = "registry"

urlpatterns = [
    path("facilities/", views.facility_list, name="facility_list"),
    path("facilities/new/", views.facility_create, name="facility_create"),
    path("facilities/<int:pk>/", views.facility_detail, name="facility_detail"),
    path("facilities/<int:pk>/edit/", views.facility_edit, name="facility_edit"),
    path("facilities/<int:pk>/departments/new/", views.department_create, name="department_create"),
    path("facilities/<int:pk>/equipment/", views.facility_equipment, name="facility_equipment"),
    path("departments/<int:pk>/edit/", views.department_edit, name="department_edit"),
    path("practitioners/", views.practitioner_list, name="practitioner_list"),
    path("practitioners/new/", views.practitioner_create, name="practitioner_create"),
    path("practitioners/<int:pk>/", views.practitioner_detail, name="practitioner_detail"),
    path("practitioners/<int:pk>/edit/", views.practitioner_edit, name="practitioner_edit"),
    path("practitioners/<int:pk>/appointments/new/", views.appointment_create, name="appointment_create"),
    path("regions/", views.region_list, name="region_list"),
    path("regions/new/", views.region_create, name="region_create"),
    path("regions/<int:pk>/", views.region_detail, name="region_detail"),
    path("regions/<int:pk>/edit/", views.region_edit, name="region_edit"),
    path("regions/<int:pk>/population/", views.region_population, name="region_population"),
    path("regions/<int:pk>/merge/", views.region_merge, name="region_merge"),
    path("techniques/", views.technique_list, name="technique_list"),
    path("techniques/new/", views.technique_create, name="technique_create"),
    path("techniques/<int:pk>/", views.technique_detail, name="technique_detail"),
    path("techniques/<int:pk>/edit/", views.technique_edit, name="technique_edit"),
]
