from django.urls import path

from . import views

app_name = "teleconsult"

urlpatterns = [
    path("", views.home, name="home"),
]
