"""Aucun identifiant rendu avec un séparateur de milliers dans les gabarits.

USE_THOUSAND_SEPARATOR (format fr-FR « 1 234,56 ») s'applique à tout entier rendu par
`{{ … }}` : dès la millième ligne, `value="{{ partie.pk }}"` devient « 1 000 » (espace
insécable), le formulaire renvoie une valeur que la vue ne sait plus lire et les ancres
`#procedure-…` ne mènent nulle part. Un identifiant passe donc par `|unlocalize`.
"""

import re
from pathlib import Path

from django.conf import settings
from django.template import Context, Template

RACINE = Path(settings.BASE_DIR) / "templates"
# `{{ objet.pk }}`, `{{ objet.id }}`, `{{ ligne.dossier_id }}` sans filtre.
IDENTIFIANT_NU = re.compile(r"\{\{\s*([\w.]+(?:\.pk|\.id|_id))\s*\}\}")
CHAINES = ("auto_id", "id_for_label")  # chaînes de formulaire, jamais des entiers


def test_aucun_identifiant_sans_unlocalize():
    fautes = []
    for gabarit in sorted(RACINE.rglob("*.html")):
        for numero, ligne in enumerate(gabarit.read_text().splitlines(), start=1):
            for trouve in IDENTIFIANT_NU.finditer(ligne):
                if not trouve.group(1).endswith(CHAINES):
                    fautes.append(f"{gabarit.relative_to(RACINE)}:{numero} {trouve.group(0)}")
    assert not fautes, "Ajoutez |unlocalize (et {% load l10n %}) :\n" + "\n".join(fautes)


def test_un_entier_nu_prend_le_separateur_et_unlocalize_l_ote():
    # Le test précédent n'a de sens que si le réglage groupe bien les entiers.
    rendu = Template("{% load l10n %}{{ n }}|{{ n|unlocalize }}").render(Context({"n": 12345}))
    groupe, brut = rendu.split("|")
    assert groupe != "12345" and groupe.replace("\u202f", "").replace("\xa0", "") == "12345"
    assert brut == "12345"
