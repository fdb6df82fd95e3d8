"""Second facteur : un utilisateur qui a un TOTP, ou dont l'étude l'impose, le présente.
Caractère nul : refusé dans tout paramètre de requête."""

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
