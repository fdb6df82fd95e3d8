"""Backend d'authentification : celui de Django, l'étude lue avec l'utilisateur.

Chaque page authentifiée lit l'utilisateur de la session (`get_user`) puis son étude (second
facteur obligatoire ou non, nom de l'étude dans l'en-tête) : une jointure au lieu de deux
requêtes. Le contrôle de Django (compte actif) est inchangé."""

from django.contrib.auth.backends import ModelBackend, UserModel


class ModelBackendEtude(ModelBackend):
    def get_user(self, user_id):
        try:
            utilisateur = UserModel._default_manager.select_related("etude").get(pk=user_id)
        except UserModel.DoesNotExist:
            return None
        return utilisateur if self.user_can_authenticate(utilisateur) else None
