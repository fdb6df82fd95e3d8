"""Routes des actes, à inclure sous /actes/ dans etude/urls.py."""

from django.urls import path

from . import vues_lots

urlpatterns = [
    path("lots/", vues_lots.lots, name="actes_lots"),
    path("lots/<int:pk>/", vues_lots.lot, name="actes_lot"),
    path("lots/<int:pk>/progression/", vues_lots.lot_progression, name="actes_lot_progression"),
    path("lots/<int:pk>/lot.zip", vues_lots.lot_telecharger, name="actes_lot_telecharger"),
]
