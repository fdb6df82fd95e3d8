"""Modèles d'actes (gabarits versionnés) et textes d'articles reproduits in extenso."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from etude.models import Etude


class ModeleActeQuerySet(models.QuerySet):
    def courant(self, *, etude_id: int, type_acte: str):
        """La dernière version du modèle de l'étude pour ce type, sinon celle par défaut."""
        propre = self.filter(etude_id=etude_id, type_acte=type_acte).order_by("-version").first()
        if propre is not None:
            return propre
        return self.filter(etude__isnull=True, type_acte=type_acte).order_by("-version").first()


class ModeleActe(models.Model):
    """Un gabarit d'acte (langage de gabarits de Django), en une version figée.

    Une modification crée une nouvelle version ; un acte garde la version qui l'a rédigé
    (clé protégée). Les parties que le clerc peut éditer sont délimitées dans le gabarit par
    `[[libre:nom|Libellé]]texte par défaut[[/libre]]` (actes.gabarits). `etude` vide : modèle
    fourni par défaut (migration de données), que chaque étude peut remplacer par le sien.
    """

    etude = models.ForeignKey(
        Etude, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    type_acte = models.CharField("type d'acte", max_length=40)
    version = models.PositiveIntegerField("version")
    gabarit = models.TextField("gabarit")
    auteur = models.ForeignKey(
        "etude.Utilisateur", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cree_le = models.DateTimeField("créé le", default=timezone.now)
    commentaire = models.CharField("motif de la version", max_length=300, blank=True)

    objects = ModeleActeQuerySet.as_manager()

    class Meta:
        verbose_name = "modèle d'acte"
        verbose_name_plural = "modèles d'actes"
        # Une version par type et par étude, et une par type pour les modèles par défaut
        # (deux contraintes partielles : SQLite ne connaît pas NULLS NOT DISTINCT).
        constraints = [
            models.UniqueConstraint(
                fields=["etude", "type_acte", "version"],
                condition=models.Q(etude__isnull=False),
                name="modele_acte_version_unique",
            ),
            models.UniqueConstraint(
                fields=["type_acte", "version"],
                condition=models.Q(etude__isnull=True),
                name="modele_defaut_version_unique",
            ),
        ]

    def __str__(self) -> str:
        proprietaire = "défaut" if self.etude_id is None else "étude"
        return f"{self.type_acte} v{self.version} ({proprietaire})"


class TexteArticleQuerySet(models.QuerySet):
    def en_vigueur(self, code: str, le):
        """La version la plus récente du texte `code` datée au plus tard `le`."""
        return self.filter(code=code, version_du__lte=le).order_by("-version_du").first()


class TexteArticle(models.Model):
    """Le texte d'un article tel qu'un acte doit le reproduire, avec sa date de version et sa
    source (relevé de `shared/domaine/textes.md`, complété par un administrateur)."""

    code = models.CharField("article", max_length=60)
    libelle = models.CharField("libellé", max_length=200)
    texte = models.TextField("texte")
    version_du = models.DateField("version en vigueur depuis le")
    source = models.TextField("source")
    complet = models.BooleanField(
        "texte complet",
        default=True,
        help_text="Décoché : la copie est coupée ; aucun acte ne peut la reproduire.",
    )
    saisi_le = models.DateTimeField("saisi le", default=timezone.now)

    objects = TexteArticleQuerySet.as_manager()

    class Meta:
        verbose_name = "texte d'article"
        verbose_name_plural = "textes d'articles"
        constraints = [
            models.UniqueConstraint(fields=["code", "version_du"], name="texte_article_version")
        ]

    def __str__(self) -> str:
        return f"{self.code} (version du {self.version_du:%d/%m/%Y})"
