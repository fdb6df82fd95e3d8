"""`python manage.py interets_nuit [--date AAAA-MM-JJ]` : la passe de nuit des intérêts.

Idempotente pour une date : la relancer n'écrit rien de plus. Par défaut, la journée que
traite la nuit (procedures.nuit.journee_a_traiter : la veille avant 21 h).
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from comptabilite.nuit import accruer_interets


class Command(BaseCommand):
    help = "Passe au grand livre les intérêts courus jusqu'à la date (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--date", default=None, help="AAAA-MM-JJ (défaut : la nuit)")

    def handle(self, *args, date=None, **options):
        from procedures.nuit import journee_a_traiter

        try:
            jour = _lire(date) if date else journee_a_traiter()
        except ValueError as erreur:
            raise CommandError(f"Date illisible « {date} » : attendu AAAA-MM-JJ.") from erreur
        resume = accruer_interets(jour)
        self.stdout.write(
            f"Intérêts au {jour:%d/%m/%Y} : {resume['ecritures']} écriture(s), "
            f"{resume['dossiers_ensemblistes']} dossier(s) en masse, "
            f"{resume['dossiers_recalcules']} recalculé(s), "
            f"{resume['grands_livres_ouverts']} grand(s) livre(s) ouvert(s), "
            f"{resume['duree_s']} s."
        )
        for message, nombre in resume["erreurs"].items():
            self.stderr.write(f"{nombre} dossier(s) non traités : {message}")


def _lire(texte: str) -> date:
    return date.fromisoformat(texte)
