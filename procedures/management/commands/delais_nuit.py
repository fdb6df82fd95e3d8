"""`python manage.py delais_nuit [--date AAAA-MM-JJ]` : la passe de nuit des délais."""

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from procedures.nuit import journee_a_traiter, passe_delais


class Command(BaseCommand):
    help = (
        "Constate les délais échus (caducités, non avenue, péremptions, refus implicites) et "
        "signale les prescriptions proches. Sans --date : la journée écoulée (le jour même "
        "après 21 h, CPC 664 et CPCE L141-1)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="journée à traiter, AAAA-MM-JJ")
        parser.add_argument(
            "--mois-alerte", type=int, default=6, help="horizon des alertes de prescription"
        )

    def handle(self, *args, **options):
        if options["date"]:
            try:
                le = date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError("Date attendue au format AAAA-MM-JJ.") from exc
        else:
            le = journee_a_traiter()
        resultat = passe_delais(le, mois_alerte=options["mois_alerte"])
        self.stdout.write(json.dumps(resultat, ensure_ascii=False, indent=2))
