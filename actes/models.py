"""Actes : modèles, actes finalisés, conformité (issue 5)."""
