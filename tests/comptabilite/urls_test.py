"""URLconf des tests de vues : celles du projet, plus la comptabilité si etude/urls.py ne
l'inclut pas encore."""

from django.urls import include, path

from etude.urls import urlpatterns as projet

_inclus = any(getattr(m, "urlconf_name", None) == "comptabilite.urls" for m in projet) or any(
    getattr(getattr(m, "urlconf_module", None), "__name__", "") == "comptabilite.urls"
    for m in projet
)

urlpatterns = list(projet) if _inclus else [*projet, path("", include("comptabilite.urls"))]
