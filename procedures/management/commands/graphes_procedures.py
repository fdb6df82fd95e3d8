"""`python manage.py graphes_procedures` : dessine chaque machine dans docs/procedures/.

Réutilise la commande `graph_transitions` de django-fsm-2 (STYLE.md, « State machines ») ;
elle n'est pas exposée par manage.py tant que `django_fsm` n'est pas dans INSTALLED_APPS, d'où
cet appel direct. Il faut le paquet Python `graphviz` et le programme `dot`.
"""

from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django_fsm.management.commands.graph_transitions import Command as GraphTransitions

from procedures.models import MODELES


class Command(BaseCommand):
    help = "Dessine les machines à états des procédures en SVG dans docs/procedures/."

    def add_arguments(self, parser):
        parser.add_argument("--dossier", default=str(Path(settings.BASE_DIR) / "docs/procedures"))

    def handle(self, *args, **options):
        dossier = Path(options["dossier"])
        dossier.mkdir(parents=True, exist_ok=True)
        for type_procedure, modele in MODELES.items():
            sortie = dossier / f"{type_procedure}.svg"
            # Les étapes qui ne changent pas l'état (cible None : inscription au registre,
            # copie au préfet...) dessineraient un faux état « None » : on les omet.
            sur_place = {
                t.name
                for t in modele._meta.get_field("etat").get_all_transitions(modele)
                if t.target is None
            }
            call_command(
                GraphTransitions(),
                f"procedures.{modele.__name__}",
                output=str(sortie),
                exclude=",".join(sorted(sur_place)),
            )
            # graphviz laisse la source .dot à côté du rendu (même nom sans extension).
            sortie.with_suffix("").unlink(missing_ok=True)
            self.stdout.write(f"{sortie}")
