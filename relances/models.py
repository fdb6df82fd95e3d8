"""Recouvrement amiable : scénarios, campagnes, échéanciers (issue 6)."""
