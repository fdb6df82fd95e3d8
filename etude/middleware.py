"""Second facteur : un utilisateur qui a un TOTP, ou dont l'étude l'impose, le présente.
Caractère nul : refusé dans tout paramètre de requête. Session : expiration glissante
réécrite au plus une fois par intervalle."""

import time

from django.conf import settings
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect
from django.urls import reverse

CHEMINS_LIBRES = ("/static/", "/connexion/", "/deconnexion/", "/compte/double-facteur/")


class DoubleFacteurMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        utilisateur = request.user
        if (
            utilisateur.is_authenticated
            and not utilisateur.is_verified()
            and not request.path.startswith(CHEMINS_LIBRES)
        ):
            from django_otp import devices_for_user

            if any(True for _ in devices_for_user(utilisateur, confirmed=True)):
                return redirect(f"{reverse('verification')}?next={request.path}")
            etude = utilisateur.etude
            if etude is not None and etude.double_facteur_obligatoire:
                return redirect("double_facteur")
        return self.get_response(request)


class CaractereNulMiddleware:
    """Refuse (400) une requête dont un paramètre contient le caractère nul : PostgreSQL ne
    peut pas le stocker ni le comparer, et une recherche qui le passait à la base
    répondait 500. Les formulaires le refusaient déjà champ par champ ; les vues qui lisent
    `request.GET` directement (recherches, autocomplétions) non."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        parametres = [request.GET]
        if request.method == "POST" and not request.content_type.startswith("multipart/"):
            parametres.append(request.POST)
        for dictionnaire in parametres:
            for cle, valeurs in dictionnaire.lists():
                if "\x00" in cle or any("\x00" in valeur for valeur in valeurs):
                    return HttpResponseBadRequest(
                        "Requête refusée : un champ contient un caractère nul.",
                        content_type="text/plain; charset=utf-8",
                    )
        return self.get_response(request)


# Clé de session : instant (secondes Unix) de la dernière réécriture de la session.
SESSION_VUE_LE = "_etude_vue_le"


class SessionGlissanteMiddleware:
    """Expiration glissante de la session (SESSION_COOKIE_AGE d'inactivité) sans la réécrire à
    chaque page : SESSION_SAVE_EVERY_REQUEST faisait BEGIN, UPDATE django_session, COMMIT à
    chaque requête (3 des 14 requêtes du tableau des délais). Ici la session n'est marquée
    modifiée (donc réécrite par SessionMiddleware, date d'expiration repoussée) que si sa
    dernière réécriture date de plus de SESSION_RAFRAICHIR_APRES secondes : une session
    inactive expire donc entre SESSION_COOKIE_AGE - intervalle et SESSION_COOKIE_AGE après
    la dernière page vue. Une session vide (anonyme, déconnexion) n'est jamais créée ici.
    À placer juste après SessionMiddleware (sa réponse passe avant l'écriture de la session).
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.intervalle = settings.SESSION_RAFRAICHIR_APRES

    def __call__(self, request):
        reponse = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.is_empty():
            return reponse
        maintenant = int(time.time())
        if session.modified or maintenant - session.get(SESSION_VUE_LE, 0) >= self.intervalle:
            session[SESSION_VUE_LE] = maintenant
        return reponse
