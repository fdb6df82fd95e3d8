"""Rôles de l'étude (groupes Django) et leurs permissions.

Les écrans vérifient le rôle (`Utilisateur.a_role`) ; les permissions des groupes servent à
l'administration Django, où seules les données de référence se modifient.
"""

from django.apps import apps as global_apps

from .models import Role

# Par rôle : (app_label, actions) ; « view » seul pour la lecture. L'administration ne sert
# qu'aux données de référence : les données juridiques passent par les services.
PERMISSIONS = {
    Role.CLERC: {
        "dossiers": ["view"],
        "procedures": ["view"],
        "comptabilite": ["view"],
        "relances": ["view"],
        "actes": ["view"],
    },
    Role.PRINCIPAL_CLERC: {
        "dossiers": ["view"],
        "procedures": ["view"],
        "comptabilite": ["view"],
        "relances": ["view", "add", "change"],
        "actes": ["view", "add", "change"],
    },
    Role.COMMISSAIRE: {
        "dossiers": ["view"],
        "procedures": ["view"],
        "comptabilite": ["view"],
        "relances": ["view", "add", "change"],
        "actes": ["view", "add", "change"],
        "etude": ["view", "change"],
    },
    Role.COMPTABLE: {"dossiers": ["view"], "comptabilite": ["view", "add", "change"]},
    Role.LECTURE: {
        "dossiers": ["view"],
        "procedures": ["view"],
        "comptabilite": ["view"],
        "relances": ["view"],
        "actes": ["view"],
    },
}


def synchroniser_roles(apps=global_apps, **kwargs) -> None:
    """Crée les groupes et leur donne leurs permissions (idempotent, après chaque migrate)."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, par_app in PERMISSIONS.items():
        groupe, _ = Group.objects.get_or_create(name=role.value)
        voulues = []
        for app_label, actions in par_app.items():
            for permission in Permission.objects.filter(content_type__app_label=app_label):
                if permission.codename.split("_", 1)[0] in actions:
                    voulues.append(permission)
        groupe.permissions.set(voulues)
