"""`python manage.py generer --dossiers N [--seed S] [--etude-siret SIRET]`."""

from django.core.management.base import BaseCommand, CommandError

from dossiers.generation import generer


class Command(BaseCommand):
    help = (
        "Ajoute N dossiers réalistes (débiteurs, titres, audit) pour les mesures de "
        "performance ; déterministe pour une graine, numérotation à la suite de l'existant."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dossiers", type=int, required=True, help="nombre à ajouter")
        parser.add_argument("--seed", type=int, default=1, help="graine (défaut 1)")
        parser.add_argument(
            "--etude-siret",
            default=None,
            help="étude cible (créée si absente) ; défaut : l'étude de démonstration",
        )
        parser.add_argument("--taille-lot", type=int, default=None, help=argparse_suppress())

    def handle(self, *args, dossiers, seed, etude_siret, taille_lot, **options):
        if dossiers < 1:
            raise CommandError("--dossiers doit être positif.")
        extra = {"taille_lot": taille_lot} if taille_lot else {}
        self.stdout.write(f"Génération de {dossiers:,} dossiers (graine {seed})".replace(",", " "))
        ctx = generer(
            dossiers=dossiers,
            graine=seed,
            siret=etude_siret,
            sortie=self.stdout.write,
            **extra,
        )
        total = ctx.durees["total"]
        lignes = sum(ctx.lignes.values())
        self.stdout.write(self.style.SUCCESS(f"Étude : {ctx.etude} (id {ctx.etude.pk})"))
        for table, nombre in ctx.lignes.items():
            self.stdout.write(f"  {table:28} {nombre:>12,}".replace(",", " "))
        for etape, duree in ctx.durees.items():
            self.stdout.write(f"  {etape:28} {duree:>10.1f} s")
        self.stdout.write(
            self.style.SUCCESS(
                f"{dossiers:,} dossiers, {lignes:,} lignes en {total:.1f} s : "
                f"{dossiers / total:,.0f} dossiers/s, {lignes / total:,.0f} lignes/s".replace(
                    ",", " "
                )
            )
        )


def argparse_suppress():
    import argparse

    return argparse.SUPPRESS
