"""Routes de l'application. Chaque vue d'un objet le cherche via `.pour(request.user)` :
un utilisateur d'une autre étude reçoit 404 (tests/test_isolation.py balaie ces routes)."""

from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.accueil, name="accueil"),
    path("connexion/", views.connexion, name="connexion"),
    # Sous /connexion/ : chemin libre du DoubleFacteurMiddleware (pas de boucle de redirection).
    path("connexion/verification/", views.verification, name="verification"),
    path("deconnexion/", views.deconnexion, name="deconnexion"),
    path("compte/double-facteur/", views.double_facteur, name="double_facteur"),
    path("bureau/", views.bureau, name="bureau"),
    path("dossiers/", include("dossiers.urls")),
    # Procédures, délais, approbations (issue 4) : chemins complets dans procedures/urls.py.
    path("", include("procedures.urls")),
    # Comptabilité (issue 5) : décompte, versements, débours sous /dossiers/<référence>/… ;
    # relevés bancaires et validations sous /comptabilite/ (comptabilite/urls.py).
    path("", include("comptabilite.urls")),
    # Relances (issue 6) : scénarios, campagnes, appels, lettres, résultats sous /relances/.
    path("", include("relances.urls")),
    # Échéanciers (issue 6) : /dossiers/<référence>/echeancier/… et /echeanciers/<id>/….
    path("", include("relances.urls_echeanciers")),
    # Actes (issue 5) : lots de rendu PDF sous /actes/lots/ (actes/urls.py).
    path("actes/", include("actes.urls")),
    path("admin/", admin.site.urls),
]
