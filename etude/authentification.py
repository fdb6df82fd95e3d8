"""Backend d'authentification : celui de Django, l'étude et les rôles lus avec l'utilisateur.

Chaque page authentifiée lit l'utilisateur de la session (`get_user`), puis son étude (second
facteur obligatoire ou non, nom de l'étude dans l'en-tête) et ses rôles (groupes : en-tête,
navigation, droits) : une requête au lieu de trois sur PostgreSQL (jointure de l'étude, noms
des groupes en sous-requête ARRAY), deux ailleurs. Rien n'est gardé d'une requête à l'autre :
un rôle retiré ou une étude qui impose le second facteur valent dès la page suivante. Le
contrôle de Django (compte actif) est inchangé."""

from django.contrib.auth.backends import ModelBackend, UserModel
from django.contrib.auth.models import Group
from django.db import connection
from django.db.models import OuterRef


class ModelBackendEtude(ModelBackend):
    def get_user(self, user_id):
        requete = UserModel._default_manager.select_related("etude")
        if connection.vendor == "postgresql":
            from django.contrib.postgres.expressions import ArraySubquery

            requete = requete.annotate(
                _noms_des_roles=ArraySubquery(
                    Group.objects.filter(user=OuterRef("pk")).values("name")
                )
            )
        try:
            utilisateur = requete.get(pk=user_id)
        except UserModel.DoesNotExist:
            return None
        noms = getattr(utilisateur, "_noms_des_roles", None)
        if noms is not None:
            utilisateur._roles_cache = set(noms)  # lu par Utilisateur.a_role
        return utilisateur if self.user_can_authenticate(utilisateur) else None
