"""Routes des procédures, des délais et des approbations (incluses à la racine)."""

from django.urls import path, re_path

from dossiers.urls import ReferenceConverter  # noqa: F401 - enregistre <reference:...>

from . import views

urlpatterns = [
    path(
        "dossiers/<reference:reference>/procedures/ouvrir/",
        views.procedure_ouvrir,
        name="procedure_ouvrir",
    ),
    path("procedures/<int:pk>/", views.procedure_detail, name="procedure_detail"),
    path(
        "procedures/<int:pk>/etapes/<slug:transition>/",
        views.procedure_etape,
        name="procedure_etape",
    ),
    path(
        "procedures/<int:pk>/approbation/<slug:transition>/",
        views.procedure_approbation_demander,
        name="procedure_approbation_demander",
    ),
    path(
        "procedures/<int:pk>/interventions/",
        views.intervention_former,
        name="procedure_intervention_former",
    ),
    path(
        "procedures/<int:pk>/repartitions/",
        views.repartition_effectuer,
        name="procedure_repartition",
    ),
    path(
        "repartitions/<int:pk>/contre-passer/",
        views.repartition_contre_passer,
        name="repartition_contre_passer",
    ),
    path(
        "interventions/<int:pk>/denoncer/",
        views.intervention_denoncer,
        name="intervention_denoncer",
    ),
    path(
        "interventions/<int:pk>/inscrire/",
        views.intervention_inscrire,
        name="intervention_inscrire",
    ),
    path("delais/", views.delais_tableau, name="delais_tableau"),
    path("delais/abonnement/", views.delais_abonnement, name="delais_abonnement"),
    path(
        "delais/abonnement/revoquer/",
        views.delais_abonnement_revoquer,
        name="delais_abonnement_revoquer",
    ),
    # Jeton de nouveau_jeton() : 43 caractères base64url.
    re_path(
        r"^delais/ical/(?P<jeton>[A-Za-z0-9_-]{20,64})\.ics$",
        views.delais_ical,
        name="delais_ical",
    ),
    path("approbations/", views.approbations_file, name="approbations_file"),
    path("approbations/<int:pk>/decider/", views.approbation_decider, name="approbation_decider"),
]
