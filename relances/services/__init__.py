"""Cas d'usage du recouvrement amiable, un module par sujet (`echeanciers`, ...)."""
