"""Routes des actes, à inclure sous /actes/ dans etude/urls.py : lots de rendu (vues_lots) ;
rédaction, brouillon, finalisation, PDF, signification et modèles (views)."""

from django.urls import path

from dossiers.urls import ReferenceConverter  # noqa: F401 - enregistre <reference:...>

from . import views, vues_lots

urlpatterns = [
    path("lots/", vues_lots.lots, name="actes_lots"),
    path("lots/<int:pk>/", vues_lots.lot, name="actes_lot"),
    path("lots/<int:pk>/progression/", vues_lots.lot_progression, name="actes_lot_progression"),
    path("lots/<int:pk>/lot.zip", vues_lots.lot_telecharger, name="actes_lot_telecharger"),
    path("lots/<int:pk>/lot.pdf", vues_lots.lot_pdf, name="actes_lot_pdf"),
    path("procedure/<int:pk>/rediger/", views.acte_rediger, name="acte_rediger"),
    path(
        "dossier/<reference:reference>/", views.acte_rediger_dossier, name="acte_rediger_dossier"
    ),
    path("<int:pk>/", views.acte_detail, name="acte_detail"),
    path("<int:pk>/modifier/", views.acte_modifier, name="acte_modifier"),
    path("<int:pk>/finaliser/", views.acte_finaliser, name="acte_finaliser"),
    path("<int:pk>/pdf/", views.acte_pdf, name="acte_pdf"),
    path("<int:pk>/signifier/", views.acte_signifier, name="acte_signifier"),
    path("modeles/", views.modeles_actes, name="modeles_actes"),
    path("modeles/<int:pk>/", views.modele_acte, name="modele_acte"),
]
