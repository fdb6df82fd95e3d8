"""Administration des dossiers : LECTURE SEULE.

Les données juridiques (parties, dossiers, titres, pièces) ne s'écrivent que par les
services de `dossiers.services`, qui tiennent le journal d'audit dans la même transaction.
L'administration ne doit jamais les contourner : ni ajout, ni modification, ni suppression.
"""

from django.contrib import admin

from .models import (
    AdresseDebiteur,
    Bien,
    CompteBancaire,
    CompteurReference,
    Creancier,
    Debiteur,
    Dossier,
    DossierDebiteur,
    EmailDebiteur,
    Piece,
    TelephoneDebiteur,
    TitreExecutoire,
)


class LectureSeuleAdmin(admin.ModelAdmin):
    """Consultation seule, cloisonnée à l'étude de l'utilisateur (sauf superutilisateur)."""

    # Chemin vers l'étude de la ligne, pour le cloisonnement.
    chemin_etude = "etude_id"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        return {}

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(**{self.chemin_etude: request.user.etude_id})


@admin.register(Creancier)
class CreancierAdmin(LectureSeuleAdmin):
    list_display = ["designation", "type_personne", "code_postal", "ville", "etude"]
    list_filter = ["type_personne", "agit_pour_besoins_professionnels"]
    search_fields = ["nom", "prenoms", "raison_sociale", "siren", "ville"]


@admin.register(Debiteur)
class DebiteurAdmin(LectureSeuleAdmin):
    list_display = ["designation", "type_personne", "code_postal", "ville", "etude"]
    list_filter = ["type_personne", "vulnerable", "surendettement_statut"]
    search_fields = ["nom", "prenoms", "nom_naissance", "raison_sociale", "siren", "ville"]


@admin.register(Dossier)
class DossierAdmin(LectureSeuleAdmin):
    list_display = ["reference", "creancier", "nature", "phase", "statut", "clerc", "etude"]
    list_filter = ["statut", "phase", "nature", "complexe"]
    search_fields = ["reference", "reference_creancier"]
    list_select_related = ["creancier", "clerc", "etude"]
    show_full_result_count = False  # pas de COUNT(*) sur un million de dossiers


@admin.register(DossierDebiteur)
class DossierDebiteurAdmin(LectureSeuleAdmin):
    chemin_etude = "dossier__etude_id"
    list_display = ["dossier", "debiteur", "rang", "solidaire"]


@admin.register(TitreExecutoire)
class TitreExecutoireAdmin(LectureSeuleAdmin):
    chemin_etude = "dossier__etude_id"
    list_display = ["dossier", "nature", "date_titre", "juridiction", "montant_principal"]
    list_filter = ["nature", "type_interets"]


@admin.register(Piece)
class PieceAdmin(LectureSeuleAdmin):
    chemin_etude = "dossier__etude_id"
    list_display = ["nom_original", "dossier", "type_piece", "taille", "ajoutee_le"]
    exclude = ["fichier"]  # téléchargement par la fiche dossier seulement (cloisonné)


@admin.register(AdresseDebiteur)
class AdresseDebiteurAdmin(LectureSeuleAdmin):
    chemin_etude = "debiteur__etude_id"
    list_display = ["debiteur", "adresse", "code_postal", "ville", "depuis", "jusqu_au"]


@admin.register(TelephoneDebiteur)
class TelephoneDebiteurAdmin(LectureSeuleAdmin):
    chemin_etude = "debiteur__etude_id"
    list_display = ["debiteur", "numero", "mobile", "consentement_sms", "opposition"]


@admin.register(EmailDebiteur)
class EmailDebiteurAdmin(LectureSeuleAdmin):
    chemin_etude = "debiteur__etude_id"
    list_display = ["debiteur", "adresse", "consentement", "opposition"]


@admin.register(CompteBancaire)
class CompteBancaireAdmin(LectureSeuleAdmin):
    chemin_etude = "debiteur__etude_id"
    list_display = ["debiteur", "__str__", "banque"]
    exclude = ["iban"]  # IBAN masqué (etude.models.iban_masque)


@admin.register(Bien)
class BienAdmin(LectureSeuleAdmin):
    chemin_etude = "debiteur__etude_id"
    list_display = ["debiteur", "nature", "description", "valeur_estimee"]


@admin.register(CompteurReference)
class CompteurReferenceAdmin(LectureSeuleAdmin):
    list_display = ["etude", "annee", "dernier"]
