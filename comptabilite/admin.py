"""Administration des données de référence : un administrateur y saisit le taux d'un nouveau
semestre, le barème d'une année, un nouvel arrêté tarifaire (DOMAINE.md, décision 15).

La source et le drapeau « confirmé » sont visibles et filtrables partout : une valeur non
confirmée est à vérifier avant de servir dans un acte.
"""

from django.contrib import admin

from comptabilite import models, referentiel


class ReferenceAdmin(admin.ModelAdmin):
    list_filter = ("confirme", "confiance")
    search_fields = ("texte", "source", "remarque")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # Les calculs de ce processus voient la nouvelle valeur tout de suite ; les autres
        # processus la relisent au plus tard après referentiel.DUREE_CACHE_SECONDES.
        referentiel.vider_cache()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        referentiel.vider_cache()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        referentiel.vider_cache()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        referentiel.vider_cache()


@admin.register(models.TauxInteretLegal)
class TauxInteretLegalAdmin(ReferenceAdmin):
    list_display = ("semestre_debut", "categorie", "taux", "texte", "source", "confirme")
    list_filter = ("categorie", *ReferenceAdmin.list_filter)
    date_hierarchy = "semestre_debut"


@admin.register(models.TauxBCE)
class TauxBCEAdmin(ReferenceAdmin):
    list_display = (
        "date_effet",
        "taux",
        "en_vigueur_au_moins_jusqu_au",
        "source",
        "confiance",
        "confirme",
    )


@admin.register(models.BaremeSaisie)
class BaremeSaisieAdmin(ReferenceAdmin):
    list_display = ("annee", "majoration_par_personne_a_charge", "texte", "source", "confirme")


@admin.register(models.MontantRSA)
class MontantRSAAdmin(ReferenceAdmin):
    list_display = ("debut", "fin", "montant", "source", "confiance", "confirme")


class BaremeTarifaireInline(admin.TabularInline):
    model = models.BaremeTarifaire
    extra = 0
    fields = ("article", "seuil_forfait", "forfait", "plafond", "tranches", "confirme")
    show_change_link = True


class EmolumentFixeInline(admin.TabularInline):
    model = models.EmolumentFixe
    extra = 0
    fields = ("code", "article", "libelle", "montant", "confirme")
    show_change_link = True


@admin.register(models.PeriodeTarifaire)
class PeriodeTarifaireAdmin(ReferenceAdmin):
    list_display = ("debut", "fin", "texte", "source", "confirme")
    inlines = [BaremeTarifaireInline, EmolumentFixeInline]


@admin.register(models.BaremeTarifaire)
class BaremeTarifaireAdmin(ReferenceAdmin):
    list_display = (
        "article",
        "periode",
        "seuil_forfait",
        "forfait",
        "plafond",
        "source",
        "confiance",
        "confirme",
    )
    list_filter = ("article", "periode", *ReferenceAdmin.list_filter)
    list_select_related = ("periode",)


@admin.register(models.BaremeCoefficient)
class BaremeCoefficientAdmin(ReferenceAdmin):
    list_display = ("periode", "tranches", "source", "confiance", "confirme")
    list_select_related = ("periode",)


@admin.register(models.EmolumentFixe)
class EmolumentFixeAdmin(ReferenceAdmin):
    list_display = (
        "code",
        "libelle",
        "article",
        "montant",
        "periode",
        "applicable_depuis",
        "source",
        "confiance",
        "confirme",
    )
    list_filter = ("periode", "article", *ReferenceAdmin.list_filter)
    list_select_related = ("periode",)
    search_fields = ("code", "libelle", *ReferenceAdmin.search_fields)


@admin.register(models.ParametresComptables)
class ParametresComptablesAdmin(admin.ModelAdmin):
    list_display = ("etude", "delai_detention_jours", "source_delai", "bic_compte_affecte")
