"""Administration de l'étude : l'office et ses utilisateurs (superutilisateurs seulement) ;
le journal d'audit en lecture seule (jamais modifié, ni ici ni ailleurs)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import Etude, Evenement, Utilisateur


class SuperutilisateurAdmin(admin.ModelAdmin):
    """Réservé au superutilisateur : les réglages de l'étude ne sont pas l'affaire des rôles."""

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        # Une étude porte tous ses dossiers (PROTECT) : on ne la supprime pas d'ici.
        return False


@admin.register(Etude)
class EtudeAdmin(SuperutilisateurAdmin):
    list_display = ["nom", "ville", "departement", "siret", "double_facteur_obligatoire"]
    search_fields = ["nom", "siret", "ville"]


@admin.register(Utilisateur)
class UtilisateurAdmin(UserAdmin):
    list_display = ["username", "first_name", "last_name", "etude", "is_active", "is_staff"]
    list_filter = ["etude", "groups", "is_active", "is_staff"]
    fieldsets = (
        *UserAdmin.fieldsets,
        ("Étude", {"fields": ("etude", "initiales")}),
    )
    add_fieldsets = (
        *UserAdmin.add_fieldsets,
        ("Étude", {"fields": ("etude", "initiales", "groups")}),
    )

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        # Un utilisateur qui a agi figure au journal (PROTECT) : on le désactive.
        return False


@admin.register(Evenement)
class EvenementAdmin(admin.ModelAdmin):
    list_display = ["horodatage", "acteur_libelle", "action", "libelle", "dossier"]
    list_filter = ["action"]
    search_fields = ["libelle", "acteur_libelle", "objet_id"]
    list_select_related = ["dossier"]
    show_full_result_count = False

    def has_add_permission(self, request):
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
        return qs.filter(etude_id=request.user.etude_id)
