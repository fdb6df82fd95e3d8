"""`python manage.py echeanciers_arreter_interets` : rattrapage, une fois après la mise à jour
qui arrête le cours des intérêts pendant un échéancier qui les remet (session 5).

Les plans en cours acceptés avant n'ont pas d'arrêt : la nuit leur a porté des intérêts
depuis l'accord. La commande arrête leur cours du jour de l'accord et reprend au crédit ce
qui a été passé depuis (`relances.services.echeanciers.interets_arreter_plans_en_cours`).
Idempotente : relancée, elle ne trouve plus rien.
"""

from django.core.management.base import BaseCommand

from relances.services.echeanciers import interets_arreter_plans_en_cours


class Command(BaseCommand):
    help = (
        "Arrête le cours des intérêts des échéanciers en cours qui les remettent et n'ont pas "
        "encore d'arrêt (idempotent)."
    )

    def handle(self, *args, **options):
        resume = interets_arreter_plans_en_cours()
        self.stdout.write(f"{resume['arretes']} plan(s) : cours des intérêts arrêté.")
        for message in resume["erreurs"]:
            self.stderr.write(message)
