"""Procédures d'exécution : une machine à états par procédure (issue 4)."""
