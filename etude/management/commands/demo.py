"""`python manage.py demo` : l'étude de démonstration (voir etude/demo.py)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from etude import demo


class Command(BaseCommand):
    help = (
        "Crée ou complète l'étude de démonstration (idempotent : une seconde exécution ne "
        "change rien) et affiche les identifiants de connexion. Les mots de passe sont fixes "
        f"et publics ({demo.MOT_DE_PASSE_DEMO!r}, voir README) : la commande refuse de "
        "tourner quand DEBUG est faux, sauf avec --force."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Exécuter même quand DEBUG est faux (base de recette, jamais de production).",
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG est faux : la démonstration crée des comptes aux mots de passe publics. "
                "Relancez avec --force si cette base n'est pas celle de production."
            )
        resume = demo.executer()
        self.stdout.write(self.style.SUCCESS(f"Étude de démonstration prête : {resume.etude}"))
        for libelle, nombre in resume.totaux.items():
            self.stdout.write(f"  {libelle} : {nombre}")
        self.stdout.write("")
        self.stdout.write("Identifiants de connexion :")
        largeur = max(len(c.identifiant) for c in resume.connexions)
        for connexion in resume.connexions:
            self.stdout.write(
                f"  {connexion.identifiant:<{largeur}}  {connexion.mot_de_passe}  "
                f"{connexion.role} ({connexion.nom})"
            )
