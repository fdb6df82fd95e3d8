"""Écrans de l'étude : connexion, second facteur, déconnexion, « Mon bureau »."""

from base64 import b32encode
from functools import wraps

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST, require_safe
from django_otp import devices_for_user, match_token
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from dossiers.models import Dossier, Phase, Statut

from .forms import ConnexionForm, JetonForm
from .models import Evenement, Role

NOM_APPAREIL = "Application d'authentification"


def ecriture_requise(vue):
    """Une vue qui écrit : rôle autorisé à écrire (le rôle « lecture » reçoit 403)."""

    @wraps(vue)
    def enveloppe(request, *args, **kwargs):
        if not request.user.peut_ecrire:
            raise PermissionDenied("Votre rôle ne permet pas de modifier les dossiers.")
        return vue(request, *args, **kwargs)

    return login_required(enveloppe)


def contexte_interface(request):
    """Processeur de contexte : le libellé du ou des rôles, pour l'en-tête."""
    utilisateur = getattr(request, "user", None)
    if utilisateur is None or not utilisateur.is_authenticated:
        return {}
    libelles = dict(Role.choices)
    return {"roles_libelles": ", ".join(libelles.get(r, r) for r in utilisateur.roles)}


def _suivante(request, defaut: str = "bureau") -> str:
    cible = request.POST.get("next") or request.GET.get("next") or ""
    # Un chemin seulement : `redirect("mot")` chercherait une route nommée « mot » (500).
    if cible.startswith("/") and url_has_allowed_host_and_scheme(
        cible, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return cible
    from django.urls import reverse

    return reverse(defaut)


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def connexion(request):
    if request.user.is_authenticated:
        return redirect(_suivante(request))
    formulaire = ConnexionForm(request, data=request.POST or None)
    if request.method == "POST" and formulaire.is_valid():
        auth_login(request, formulaire.get_user())
        return redirect(_suivante(request))
    return render(
        request,
        "registration/connexion.html",
        {"form": formulaire, "next": request.POST.get("next") or request.GET.get("next", "")},
    )


@require_POST
def deconnexion(request):
    auth_logout(request)
    messages.info(request, "Vous êtes déconnecté.")
    return redirect("connexion")


def _appareil_confirme(utilisateur) -> bool:
    return any(True for _ in devices_for_user(utilisateur, confirmed=True))


@sensitive_post_parameters("jeton")
@never_cache
@login_required
def verification(request):
    """Second facteur d'un utilisateur qui a une application configurée (RFC 6238)."""
    if request.user.is_verified():
        return redirect(_suivante(request))
    if not _appareil_confirme(request.user):
        return redirect("double_facteur")
    formulaire = JetonForm(request.POST or None)
    if request.method == "POST" and formulaire.is_valid():
        appareil = match_token(request.user, formulaire.cleaned_data["jeton"])
        if appareil is not None:
            otp_login(request, appareil)
            return redirect(_suivante(request))
        formulaire.add_error(
            "jeton", "Code incorrect ou expiré : saisissez le code affiché en ce moment."
        )
    return render(
        request,
        "registration/verification.html",
        {"form": formulaire, "next": request.POST.get("next") or request.GET.get("next", "")},
    )


def _qr_code_svg(uri: str) -> str:
    """QR code de l'URI otpauth, en SVG intégré à la page (aucune image externe)."""
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    svg = image.to_string(encoding="unicode")
    # Le SVG est produit par qrcode à partir d'une URI que nous construisons : sûr.
    return mark_safe(svg.replace("<svg ", '<svg role="img" aria-label="QR code" ', 1))  # noqa: S308


@sensitive_post_parameters("jeton")
@never_cache
@login_required
def double_facteur(request):
    """Mise en place du TOTP : appareil non confirmé, QR code, confirmation par un code."""
    utilisateur = request.user
    if _appareil_confirme(utilisateur):
        if not utilisateur.is_verified():
            return redirect("verification")
        return render(request, "registration/double_facteur.html", {"deja_configure": True})
    appareil = TOTPDevice.objects.filter(user=utilisateur, confirmed=False).first()
    if appareil is None:
        appareil = TOTPDevice.objects.create(user=utilisateur, name=NOM_APPAREIL, confirmed=False)
    formulaire = JetonForm(request.POST or None)
    if request.method == "POST" and formulaire.is_valid():
        if appareil.verify_token(formulaire.cleaned_data["jeton"]):
            appareil.confirmed = True
            appareil.save(update_fields=["confirmed"])
            otp_login(request, appareil)
            messages.success(request, "Le second facteur est activé pour votre compte.")
            return redirect("bureau")
        formulaire.add_error(
            "jeton", "Code incorrect : vérifiez l'heure de votre téléphone et réessayez."
        )
    secret = b32encode(appareil.bin_key).decode()
    return render(
        request,
        "registration/double_facteur.html",
        {
            "form": formulaire,
            "qr_code": _qr_code_svg(appareil.config_url),
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "obligatoire": bool(
                utilisateur.etude and utilisateur.etude.double_facteur_obligatoire
            ),
        },
    )


def _bureau_contexte(utilisateur) -> dict:
    """Ce que « Mon bureau » montre : les dossiers de l'utilisateur, comptés exactement, et
    les derniers événements sur ses dossiers. Les sections des lots suivants (délais,
    versements, appels) ajoutent leurs clés ici et leur gabarit partiel."""
    mes_dossiers = Dossier.objects.pour(utilisateur).filter(clerc=utilisateur)
    actifs = [Statut.OUVERT, Statut.SUSPENDU]
    # Un seul COUNT, restreint aux dossiers du clerc (index dossier_clerc_idx).
    chiffres = mes_dossiers.aggregate(
        actifs=Count("id", filter=Q(statut__in=actifs)),
        ouverts=Count("id", filter=Q(statut=Statut.OUVERT)),
        suspendus=Count("id", filter=Q(statut=Statut.SUSPENDU)),
        judiciaires=Count("id", filter=Q(statut__in=actifs, phase=Phase.JUDICIAIRE)),
        complexes=Count("id", filter=Q(statut__in=actifs, complexe=True)),
    )
    dossiers = list(
        mes_dossiers.actifs()
        .select_related("creancier")
        .prefetch_related("debiteurs")
        .order_by("-id")[:20]
    )
    evenements = list(
        Evenement.objects.pour(utilisateur)
        .filter(dossier__clerc=utilisateur)
        .select_related("dossier")
        .order_by("-horodatage", "-id")[:15]
    )
    return {"chiffres": chiffres, "dossiers": dossiers, "evenements": evenements}


@require_safe
def accueil(request):
    return redirect("bureau")


@require_safe
@login_required
def bureau(request):
    # Sections délais et approbations (issue 4) : procedures/bureau.html remplit le bloc
    # `sections_echeances` de etude/bureau.html.
    # Appels du jour, versements à imputer, plans en retard : etude/bureau/_relances.html.
    from procedures.views import bureau_contexte

    from .bureau import bureau_relances_comptabilite

    contexte = _bureau_contexte(request.user)
    contexte.update(bureau_contexte(request.user))
    contexte.update(bureau_relances_comptabilite(request.user, contexte["aujourd_hui"]))
    contexte["rubrique"] = "bureau"
    return render(request, "procedures/bureau.html", contexte)
