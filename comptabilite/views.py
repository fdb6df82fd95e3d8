"""Vues de la comptabilité (à venir)."""
