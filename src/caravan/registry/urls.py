from django.urls import path

from . import views

app_name = "registry"

urlpatterns = [
    path("facilities/", views.facility_list, name="facility_list"),
    path("practitioners/", views.practitioner_list, name="practitioner_list"),
    path("regions/", views.region_list, name="region_list"),
    path("techniques/", views.technique_list, name="technique_list"),
]
