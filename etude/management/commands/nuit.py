"""`python manage.py nuit [--date AAAA-MM-JJ]` : la passe de nuit (CONTRAT.md)."""

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from etude.nuit import PARTIES, executer_nuit
from procedures.nuit import journee_a_traiter


class Command(BaseCommand):
    help = (
        "Passe de nuit : intérêts courus, délais échus et alertes, pour la journée donnée "
        "(par défaut la journée écoulée ; le jour même après 21 h, CPC 664). Idempotente : "
        "relancée pour la même date, elle n'écrit rien de plus. Affiche un résumé."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="journée à traiter, AAAA-MM-JJ")
        parser.add_argument(
            "--partie",
            action="append",
            choices=[p.nom for p in PARTIES],
            help="n'exécuter que cette partie (répétable)",
        )
        parser.add_argument("--json", action="store_true", help="résumé en JSON")

    def handle(self, *args, **options):
        if options["date"]:
            try:
                le = date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(
                    f"Date invalide « {options['date']} » : format attendu AAAA-MM-JJ."
                ) from exc
        else:
            le = journee_a_traiter()
        resume = executer_nuit(le, parties=options["partie"])
        if resume.get("deja_en_cours"):
            self.stdout.write(
                f"Nuit du {resume['le']} : une autre passe de nuit est en cours (verrou "
                "tenu) ; celle-ci n'a rien fait."
            )
            return
        if options["json"]:
            self.stdout.write(json.dumps(resume, ensure_ascii=False, indent=2, default=str))
        else:
            self._afficher(resume)
        if resume["echecs"]:
            raise CommandError(
                "Parties en échec : " + ", ".join(sorted(resume["echecs"])) + " (voir ci-dessus)."
            )

    def _afficher(self, resume: dict) -> None:
        self.stdout.write(f"Nuit du {resume['le']}")
        for nom, partie in resume["parties"].items():
            self.stdout.write(f"- {partie['libelle']} : {partie['duree_s']} s")
            for cle, valeur in partie["resultat"].items():
                if isinstance(valeur, dict):
                    valeur = json.dumps(valeur, ensure_ascii=False, default=str)
                self.stdout.write(f"    {cle} : {valeur}")
            if nom in resume["echecs"]:
                self.stdout.write(self.style.ERROR(f"    ÉCHEC : {resume['echecs'][nom]}"))
        self.stdout.write(
            f"Total : {resume['duree_s']} s, mémoire maximale {resume['memoire_max_mio']} Mio"
        )
