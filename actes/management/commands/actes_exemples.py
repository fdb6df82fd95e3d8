"""`python manage.py actes_exemples [--sortie docs/exemples]` : un PDF de chaque type d'acte,
pris dans l'étude de démonstration (`manage.py demo`).

Un acte finalisé donne son PDF tel que gardé (empreinte SHA-256 au répertoire) ; un acte resté
en brouillon (émolument ou texte absent des sources) donne l'aperçu « projet » du brouillon,
et le fichier LISEZMOI.md dit pourquoi il n'a pas pu être finalisé.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from actes import services
from actes.models import Acte, TexteArticle
from actes.types import TYPES_LISTE
from etude.demo import NOM_ETUDE
from etude.models import Etude


class Command(BaseCommand):
    help = "Écrit un PDF de chaque type d'acte de la démonstration dans --sortie."

    def add_arguments(self, parser):
        parser.add_argument("--sortie", default="docs/exemples")

    def handle(self, *args, sortie, **options):
        etude = Etude.objects.filter(nom=NOM_ETUDE).first()
        if etude is None:
            raise CommandError("Pas d'étude de démonstration : lancez d'abord manage.py demo.")
        dossier = Path(sortie)
        dossier.mkdir(parents=True, exist_ok=True)
        lignes = [
            "# Exemples d'actes (générés depuis la démonstration)",
            "",
            "`python manage.py demo` puis `python manage.py actes_exemples --sortie "
            "docs/exemples`. Dates de janvier-février 2026 (tarif connu jusqu'au 28/02/2026).",
            "",
            "| type | fichier | état | motif |",
            "| --- | --- | --- | --- |",
        ]
        for genre in TYPES_LISTE:
            acte = (
                Acte.objects.filter(etude=etude, type_acte=genre.code)
                .select_related("modele", "dossier", "redige_par")
                .order_by("-etat", "-id")
                .first()
            )
            if acte is None:
                manquants = [
                    code
                    for code in genre.articles_requis({})
                    if not TexteArticle.objects.filter(code=code, complet=True).exists()
                ]
                motif = (
                    "texte absent des sources, à saisir : " + ", ".join(manquants)
                    if manquants
                    else "voir la démo"
                )
                lignes.append(f"| {genre.libelle} | — | non rédigé | {motif} |")
                continue
            if acte.est_finalise:
                nom, contenu = f"{genre.code}.pdf", bytes(acte.pdf)
                etat = f"finalisé n° {acte.numero}" + (
                    ", signifié" if acte.significations.exists() else ""
                )
                motif = ""
            else:
                nom = f"{genre.code}-projet.pdf"
                contenu = services.rendre_pdf(acte, services.texte_acte(acte))
                etat = "brouillon"
                motif = services.acte_controler(acte).resume().replace("\n", " ; ")
            (dossier / nom).write_bytes(contenu)
            lignes.append(f"| {genre.libelle} | {nom} | {etat} | {motif.replace('|', '/')} |")
            self.stdout.write(f"{nom} : {etat}")
        (dossier / "LISEZMOI.md").write_text("\n".join(lignes) + "\n", encoding="utf-8")
