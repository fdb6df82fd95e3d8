"""Routes des dossiers : la fiche d'un dossier est à /dossiers/<référence>/ (AAAA-NNNNNN)."""

from django.urls import path, register_converter

from . import views


class ReferenceConverter:
    """Référence d'un dossier : `2026-000123` (Dossier.formater_reference)."""

    regex = r"\d{4}-\d{6}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ReferenceConverter, "reference")

urlpatterns = [
    path("", views.dossier_liste, name="dossier_liste"),
    path("recherche/", views.dossier_recherche, name="dossier_recherche"),
    path("nouveau/", views.dossier_nouveau, name="dossier_nouveau"),
    path("creanciers/recherche/", views.creancier_recherche, name="creancier_recherche"),
    path("debiteurs/recherche/", views.debiteur_recherche, name="debiteur_recherche"),
    path("<reference:reference>/", views.dossier_detail, name="dossier_detail"),
    path("<reference:reference>/pieces/", views.piece_ajouter, name="piece_ajouter"),
    path(
        "<reference:reference>/pieces/<int:pk>/",
        views.piece_telecharger,
        name="piece_telecharger",
    ),
    path(
        "<reference:reference>/creancier/modifier/",
        views.creancier_modifier,
        name="creancier_modifier",
    ),
    path(
        "<reference:reference>/debiteurs/<int:pk>/modifier/",
        views.debiteur_modifier,
        name="debiteur_modifier",
    ),
    path(
        "<reference:reference>/courriels/<int:pk>/",
        views.courriel_regler,
        name="courriel_regler",
    ),
    path(
        "<reference:reference>/telephones/<int:pk>/",
        views.telephone_regler,
        name="telephone_regler",
    ),
]
