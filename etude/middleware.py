"""Second facteur : un utilisateur qui a un TOTP, ou dont l'étude l'impose, le présente."""

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
