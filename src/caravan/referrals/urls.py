from django.urls import path

from . import public_views, views

app_name = "referrals"

urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.create, name="create"),
    path("figures/", views.figures, name="figures"),
    path("hospitals/", views.hospitals, name="hospitals"),
    path("hospitals/<int:facility_id>/readiness/", views.hospital_readiness, name="hospital_readiness"),
    path("verify/", public_views.verify, name="verify_form"),
    path("verify/<str:reference>/", public_views.verify, name="verify"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/pre-assessment/", views.pre_assess, name="pre_assess"),
    path("<int:pk>/offers/", views.offer_add, name="offer_add"),
    path("<int:pk>/offers/<int:offer_id>/accept/", views.offer_accept, name="offer_accept"),
    path("<int:pk>/letter/", views.letter_issue, name="letter_issue"),
    path("<int:pk>/letter/print/", views.letter, name="letter"),
    path("<int:pk>/stay/<slug:step>/", views.stay, name="stay"),
    path("<int:pk>/follow-ups/<int:follow_up_id>/", views.follow_up, name="follow_up"),
    path("<int:pk>/move/", views.move, name="move"),
    path("<int:pk>/documents/", views.document_add, name="document_add"),
    path("<int:pk>/teleconsultation/", views.teleconsult_open, name="teleconsult_open"),
    path("<int:pk>/documents/<int:doc_id>/", views.document, name="document"),
    path("<int:pk>/export/", views.patient_export, name="export"),
]
