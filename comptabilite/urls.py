"""Routes de la comptabilité, à inclure à la racine du projet :
`path("", include("comptabilite.urls"))` dans etude/urls.py.

Décompte, versement, contre-passation et débours sont sous la fiche du dossier
(/dossiers/<référence>/…) ; relevés bancaires et validations sous /comptabilite/.
"""

from django.urls import path

# Le convertisseur « reference » (AAAA-NNNNNN) est enregistré par dossiers.urls.
import dossiers.urls  # noqa: F401

from . import views

urlpatterns = [
    path(
        "dossiers/<reference:reference>/decompte/",
        views.decompte,
        name="comptabilite_decompte",
    ),
    path(
        "dossiers/<reference:reference>/decompte.pdf",
        views.decompte_pdf,
        name="comptabilite_decompte_pdf",
    ),
    path(
        "dossiers/<reference:reference>/versement/",
        views.versement_nouveau,
        name="comptabilite_versement",
    ),
    path(
        "dossiers/<reference:reference>/ecritures/<int:pk>/contre-passation/",
        views.contre_passation,
        name="comptabilite_contre_passation",
    ),
    path(
        "dossiers/<reference:reference>/debours/",
        views.debours_nouveau,
        name="comptabilite_debours",
    ),
    path("comptabilite/releves/", views.releves, name="comptabilite_releves"),
    path("comptabilite/releves/<int:pk>/", views.releve_detail, name="comptabilite_releve"),
    path(
        "comptabilite/lignes/<int:pk>/confirmer/",
        views.ligne_confirmer,
        name="comptabilite_ligne_confirmer",
    ),
    path(
        "comptabilite/lignes/<int:pk>/ignorer/",
        views.ligne_ignorer,
        name="comptabilite_ligne_ignorer",
    ),
    path(
        "comptabilite/debours/a-valider/",
        views.debours_a_valider,
        name="comptabilite_debours_a_valider",
    ),
    path(
        "comptabilite/debours/<int:pk>/justificatif/",
        views.debours_justificatif,
        name="comptabilite_debours_justificatif",
    ),
]

urlpatterns += [
    path(
        "dossiers/<reference:reference>/reversement/",
        views.reversement_nouveau,
        name="comptabilite_reversement_nouveau",
    ),
    path("comptabilite/reversements/", views.reversements, name="comptabilite_reversements"),
    path(
        "comptabilite/reversements/<int:pk>/",
        views.reversement_detail,
        name="comptabilite_reversement",
    ),
    path(
        "comptabilite/reversements/<int:pk>/releve.pdf",
        views.reversement_releve_pdf,
        name="comptabilite_reversement_pdf",
    ),
    path(
        "comptabilite/reversements/<int:pk>/annuler/",
        views.reversement_annuler,
        name="comptabilite_reversement_annuler",
    ),
    path("comptabilite/lots/", views.lot_nouveau, name="comptabilite_lot_nouveau"),
    path("comptabilite/lots/<int:pk>/", views.lot_detail, name="comptabilite_lot"),
    path(
        "comptabilite/lots/<int:pk>/pain001.xml",
        views.lot_fichier,
        name="comptabilite_lot_fichier",
    ),
    path(
        "comptabilite/fonds-detenus/",
        views.fonds_detenus,
        name="comptabilite_fonds_detenus",
    ),
]
