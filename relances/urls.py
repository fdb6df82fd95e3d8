"""Routes des relances (chemins complets)."""

from django.urls import path

from . import views
from .rebonds import webhook_rebonds

urlpatterns = [
    path("relances/", views.accueil, name="relances_accueil"),
    path("relances/reglage/", views.reglage_editer, name="relances_reglage"),
    path("relances/campagnes/lancer/", views.campagne_lancer, name="relances_campagne_lancer"),
    path("relances/campagnes/<int:pk>/", views.campagne, name="relances_campagne"),
    path("relances/scenarios/nouveau/", views.scenario_editer, name="relances_scenario_nouveau"),
    path("relances/scenarios/<int:pk>/", views.scenario, name="relances_scenario"),
    path(
        "relances/scenarios/<int:pk>/modifier/",
        views.scenario_editer,
        name="relances_scenario_modifier",
    ),
    path(
        "relances/scenarios/<int:pk>/etapes/", views.etape_ajouter, name="relances_etape_ajouter"
    ),
    path("relances/etapes/<int:pk>/retirer/", views.etape_retirer, name="relances_etape_retirer"),
    path(
        "relances/etapes/<int:pk>/reactiver/",
        views.etape_reactiver,
        name="relances_etape_reactiver",
    ),
    path(
        "relances/etapes/<int:pk>/deplacer/", views.etape_deplacer, name="relances_etape_deplacer"
    ),
    path(
        "relances/dossiers/<str:reference>/scenario/",
        views.dossier_scenario,
        name="relances_dossier_scenario",
    ),
    path(
        "relances/dossiers/<str:reference>/contestation/",
        views.dossier_contestation,
        name="relances_dossier_contestation",
    ),
    path("relances/appels/", views.appels, name="relances_appels"),
    path(
        "relances/appels/<int:pk>/resultat/", views.appel_resultat, name="relances_appel_resultat"
    ),
    path("relances/taches/", views.taches_liste, name="relances_taches"),
    path("relances/taches/<int:pk>/faite/", views.tache_faite, name="relances_tache_faite"),
    path("relances/lettres/<int:pk>/pdf/", views.lettres_pdf, name="relances_lettres_pdf"),
    path("relances/resultats/", views.resultats_vue, name="relances_resultats"),
    path("relances/rebonds/", webhook_rebonds, name="relances_rebonds"),
]
