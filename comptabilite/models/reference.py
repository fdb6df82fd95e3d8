"""Données de référence datées de la comptabilité : taux, barèmes, montants, tarif.

Chaque ligne porte sa période de validité, le texte qui la fixe, la source consultée et son
niveau de confiance (domaine/argent.md). Une ligne non confirmée reste utilisable mais tout
calcul qui s'en sert le signale (`a_verifier`) : DOMAINE.md, « Figures marked as unconfirmed
are data to verify, not to trust ». Elles sont semées par la migration 0002 à partir des
fichiers de `comptabilite/donnees/` et complétées par un administrateur quand paraît un
nouvel arrêté ou décret (DOMAINE.md, décision 15). Le calcul lui-même vit dans les modules
purs (interets.py, saisissable.py, tarif.py), qui lisent ces tables par referentiel.py.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from fractions import Fraction

from django.core.exceptions import ValidationError
from django.db import models


class Confiance(models.TextChoices):
    """Niveaux de confiance de domaine/argent.md (« Règle de lecture »)."""

    OFFICIEL = "OFF", "Texte officiel ou fiche service-public"
    DEUX_SOURCES = "2S", "Deux sources secondaires concordantes"
    UNE_SOURCE = "1S", "Une seule source secondaire (à revérifier sur Légifrance)"
    CALCULE = "CALC", "Valeur calculée à partir de paramètres vérifiés"
    DESACCORD = "DESACCORD", "Désaccord entre sources"


# Seuls ces niveaux permettent de marquer une donnée comme confirmée.
CONFIANCES_SURES = (Confiance.OFFICIEL, Confiance.DEUX_SOURCES)


class DonneeSourcee(models.Model):
    """Provenance commune à toutes les données de référence."""

    texte = models.CharField(
        "texte",
        max_length=300,
        help_text="Arrêté, décret ou article qui fixe la valeur (ex. « arrêté du 15 déc. 2025 »).",
    )
    source = models.TextField(
        "source", help_text="Adresse(s) ou référence(s) consultée(s), telles que relevées."
    )
    confiance = models.CharField("confiance", max_length=10, choices=Confiance.choices)
    confirme = models.BooleanField(
        "confirmé",
        default=False,
        help_text="Décoché : valeur à vérifier (Légifrance) ; tout calcul qui l'utilise le "
        "signale et un acte ne peut la reprendre sans contrôle.",
    )
    remarque = models.TextField("remarque", blank=True)

    class Meta:
        abstract = True
        constraints = [
            # Une valeur d'une seule source, calculée ou contestée n'est jamais « confirmée ».
            models.CheckConstraint(
                condition=models.Q(confirme=False) | models.Q(confiance__in=CONFIANCES_SURES),
                name="%(app_label)s_%(class)s_confirme_si_source_sure",
            ),
        ]

    def clean(self):
        super().clean()
        if self.confirme and self.confiance not in CONFIANCES_SURES:
            raise ValidationError(
                {
                    "confirme": "Seule une valeur de texte officiel ou de deux sources "
                    "concordantes peut être marquée confirmée."
                }
            )


def _decimal(valeur, chemin: str) -> Decimal:
    try:
        if isinstance(valeur, float):
            raise InvalidOperation
        return Decimal(str(valeur))
    except (InvalidOperation, ValueError):
        raise ValidationError(
            f"{chemin} : « {valeur} » n'est pas un nombre décimal écrit entre guillemets."
        ) from None


def _valider_tranches(tranches, *, cle: str, valeur_nulle_permise: bool) -> None:
    """Une liste de tranches croissantes `{"jusqu_a": "...", cle: "..."}`, la dernière
    ouverte (`"jusqu_a": null`)."""
    if not isinstance(tranches, list) or not tranches:
        raise ValidationError("Les tranches doivent être une liste non vide.")
    precedent = Decimal("0")
    for rang, tranche in enumerate(tranches, start=1):
        if not isinstance(tranche, dict) or set(tranche) != {"jusqu_a", cle}:
            raise ValidationError(
                f"Tranche {rang} : attendu un objet avec exactement « jusqu_a » et « {cle} »."
            )
        borne = tranche["jusqu_a"]
        derniere = rang == len(tranches)
        if derniere != (borne is None):
            raise ValidationError(
                "Seule la dernière tranche est ouverte (« jusqu_a »: null), et elle doit l'être."
            )
        if borne is not None:
            borne = _decimal(borne, f"Tranche {rang}, jusqu_a")
            if borne <= precedent:
                raise ValidationError(f"Tranche {rang} : les bornes doivent croître.")
            precedent = borne
        valeur = tranche[cle]
        if valeur is None:
            if not valeur_nulle_permise:
                raise ValidationError(f"Tranche {rang} : « {cle} » est obligatoire.")
        elif cle == "fraction":
            try:
                fraction = Fraction(str(valeur))
            except (ValueError, ZeroDivisionError):
                raise ValidationError(
                    f"Tranche {rang} : fraction « {valeur} » illisible (ex. « 1/20 »)."
                ) from None
            if not 0 <= fraction <= 1:
                raise ValidationError(f"Tranche {rang} : la fraction doit être entre 0 et 1.")
        elif _decimal(valeur, f"Tranche {rang}, {cle}") < 0:
            raise ValidationError(f"Tranche {rang} : « {cle} » ne peut être négatif.")


class CategorieCreancier(models.TextChoices):
    # CMF L313-2 ; DOMAINE.md décision 2 : la qualité du créancier décide.
    PARTICULIER = "particulier", "Créancier personne physique hors besoins professionnels"
    AUTRE = "autre", "Tous les autres cas"


class TauxInteretLegal(DonneeSourcee):
    """Taux de l'intérêt légal d'un semestre (CMF L313-2, arrêté semestriel)."""

    semestre_debut = models.DateField("début du semestre", help_text="1er janvier ou 1er juillet.")
    categorie = models.CharField(
        "catégorie de créancier", max_length=12, choices=CategorieCreancier.choices
    )
    taux = models.DecimalField("taux annuel (%)", max_digits=5, decimal_places=2)

    class Meta(DonneeSourcee.Meta):
        verbose_name = "taux de l'intérêt légal"
        verbose_name_plural = "taux de l'intérêt légal"
        ordering = ["-semestre_debut", "categorie"]
        constraints = [
            *DonneeSourcee.Meta.constraints,
            models.UniqueConstraint(
                fields=["semestre_debut", "categorie"], name="taux_legal_unique_par_semestre"
            ),
            models.CheckConstraint(condition=models.Q(taux__gte=0), name="taux_legal_positif"),
        ]

    def __str__(self) -> str:
        return f"{self.semestre_debut:%d/%m/%Y} {self.categorie} : {self.taux} %"

    def clean(self):
        super().clean()
        if self.semestre_debut and (
            self.semestre_debut.day != 1 or self.semestre_debut.month not in (1, 7)
        ):
            raise ValidationError(
                {"semestre_debut": "Un semestre commence le 1er janvier ou le 1er juillet."}
            )


class TauxBCE(DonneeSourcee):
    """Taux des opérations principales de refinancement de la BCE (C. com. L441-10).

    Un taux vaut de sa date d'effet jusqu'à la veille du taux suivant. Pour le dernier taux
    saisi, on ne sait pas s'il a changé depuis : il ne vaut que jusqu'à
    `en_vigueur_au_moins_jusqu_au` (dernière décision de maintien connue), jamais au-delà
    (DOMAINE.md, décision 15).
    """

    date_effet = models.DateField("date d'effet", unique=True)
    taux = models.DecimalField("taux MRO (%)", max_digits=5, decimal_places=2)
    en_vigueur_au_moins_jusqu_au = models.DateField(
        "en vigueur au moins jusqu'au",
        null=True,
        blank=True,
        help_text="Pour le dernier taux connu : date de la dernière décision de maintien. "
        "Au-delà, le taux est tenu pour inconnu tant qu'une ligne plus récente n'est pas saisie.",
    )

    class Meta(DonneeSourcee.Meta):
        verbose_name = "taux BCE (refinancement)"
        verbose_name_plural = "taux BCE (refinancement)"
        ordering = ["-date_effet"]

    def __str__(self) -> str:
        return f"{self.date_effet:%d/%m/%Y} : {self.taux} %"


class BaremeSaisie(DonneeSourcee):
    """Barème annuel de saisie des rémunérations (C. trav. R3252-2 et R3252-3)."""

    annee = models.PositiveSmallIntegerField("année", unique=True)
    tranches = models.JSONField(
        "tranches",
        help_text='Seuils annuels pour une personne sans charge, croissants, ex. [{"jusqu_a": '
        '"4480.00", "fraction": "1/20"}, …, {"jusqu_a": null, "fraction": "1"}].',
    )
    majoration_par_personne_a_charge = models.DecimalField(
        "majoration par personne à charge (R3252-3)", max_digits=10, decimal_places=2
    )

    class Meta(DonneeSourcee.Meta):
        verbose_name = "barème de saisie des rémunérations"
        verbose_name_plural = "barèmes de saisie des rémunérations"
        ordering = ["-annee"]

    def __str__(self) -> str:
        return f"Barème de saisie {self.annee}"

    def clean(self):
        super().clean()
        _valider_tranches(self.tranches, cle="fraction", valeur_nulle_permise=False)


class MontantRSA(DonneeSourcee):
    """Montant forfaitaire du RSA pour une personne seule (CASF L262-2), minimum laissé au
    salarié saisi (C. trav. R3252-5) et solde bancaire insaisissable (CPCE R162-2)."""

    debut = models.DateField("en vigueur du", unique=True)
    fin = models.DateField("au", help_text="Veille de la revalorisation suivante.")
    montant = models.DecimalField("montant mensuel", max_digits=10, decimal_places=2)

    class Meta(DonneeSourcee.Meta):
        verbose_name = "montant forfaitaire du RSA"
        verbose_name_plural = "montants forfaitaires du RSA"
        ordering = ["-debut"]
        constraints = [
            *DonneeSourcee.Meta.constraints,
            models.CheckConstraint(
                condition=models.Q(fin__gte=models.F("debut")), name="rsa_fin_apres_debut"
            ),
        ]

    def __str__(self) -> str:
        return f"RSA du {self.debut:%d/%m/%Y} au {self.fin:%d/%m/%Y} : {self.montant} €"


class PeriodeTarifaire(DonneeSourcee):
    """Période d'un tarif des commissaires de justice (C. com. L444-1, A444-10 s.)."""

    debut = models.DateField("en vigueur du", unique=True)
    fin = models.DateField(
        "au",
        null=True,
        blank=True,
        help_text="Terme fixé par l'arrêté ; vide seulement si le texte n'en fixe aucun.",
    )

    class Meta(DonneeSourcee.Meta):
        verbose_name = "période tarifaire"
        verbose_name_plural = "périodes tarifaires"
        ordering = ["-debut"]
        constraints = [
            *DonneeSourcee.Meta.constraints,
            models.CheckConstraint(
                condition=models.Q(fin__isnull=True) | models.Q(fin__gte=models.F("debut")),
                name="periode_tarifaire_fin_apres_debut",
            ),
        ]

    def __str__(self) -> str:
        fin = f"{self.fin:%d/%m/%Y}" if self.fin else "…"
        return f"Tarif du {self.debut:%d/%m/%Y} au {fin}"

    def clean(self):
        super().clean()
        if self.debut is None:
            return
        chevauchantes = PeriodeTarifaire.objects.exclude(pk=self.pk).filter(
            models.Q(fin__isnull=True) | models.Q(fin__gte=self.debut)
        )
        if self.fin is not None:
            chevauchantes = chevauchantes.filter(debut__lte=self.fin)
        if chevauchantes.exists():
            raise ValidationError("Cette période chevauche une autre période tarifaire.")


class ArticleTarif(models.TextChoices):
    ENGAGEMENT_POURSUITES = "A444-15", "A444-15 droit d'engagement des poursuites"
    RECOUVREMENT_DEBITEUR = "A444-31", "A444-31 droit de recouvrement (n° 128, débiteur)"
    ENCAISSEMENT_CREANCIER = "A444-32", "A444-32 droit d'encaissement (n° 129, créancier)"


class BaremeTarifaire(DonneeSourcee):
    """Barème proportionnel d'un article du tarif pour une période.

    Règle commune de A444-15, A444-31 et A444-32 : si le montant est inférieur ou égal à
    `seuil_forfait`, l'émolument est `forfait` ; au-delà, il est proportionnel par tranches
    dans la limite de `plafond`. Un taux de tranche vide (null) est un taux non trouvé :
    tout calcul qui atteint cette tranche s'arrête (DonneeManquante).
    """

    periode = models.ForeignKey(PeriodeTarifaire, on_delete=models.PROTECT, related_name="baremes")
    article = models.CharField("article", max_length=8, choices=ArticleTarif.choices)
    seuil_forfait = models.DecimalField(
        "seuil du forfait", max_digits=10, decimal_places=2, help_text="Montant ≤ seuil : forfait."
    )
    forfait = models.DecimalField("émolument fixe (HT)", max_digits=10, decimal_places=2)
    plafond = models.DecimalField("plafond (HT)", max_digits=10, decimal_places=2)
    tranches = models.JSONField(
        "tranches",
        help_text='Taux en %, ex. [{"jusqu_a": "125.00", "taux": "9.77"}, …, '
        '{"jusqu_a": null, "taux": "0.29"}] ; "taux": null si non trouvé.',
    )

    class Meta(DonneeSourcee.Meta):
        verbose_name = "barème tarifaire proportionnel"
        verbose_name_plural = "barèmes tarifaires proportionnels"
        ordering = ["-periode__debut", "article"]
        constraints = [
            *DonneeSourcee.Meta.constraints,
            models.UniqueConstraint(
                fields=["periode", "article"], name="bareme_tarifaire_unique_par_periode"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.article} ({self.periode})"

    def clean(self):
        super().clean()
        _valider_tranches(self.tranches, cle="taux", valeur_nulle_permise=True)


class BaremeCoefficient(DonneeSourcee):
    """Coefficient des émoluments fixes selon l'obligation pécuniaire (C. com. A444-46)."""

    periode = models.OneToOneField(
        PeriodeTarifaire, on_delete=models.PROTECT, related_name="coefficients"
    )
    tranches = models.JSONField(
        "tranches",
        help_text='Ex. [{"jusqu_a": "128.00", "coefficient": "0.5"}, {"jusqu_a": "1280.00", '
        '"coefficient": "1"}, {"jusqu_a": null, "coefficient": "2"}].',
    )

    class Meta(DonneeSourcee.Meta):
        verbose_name = "coefficient A444-46"
        verbose_name_plural = "coefficients A444-46"
        ordering = ["-periode__debut"]

    def __str__(self) -> str:
        return f"Coefficients A444-46 ({self.periode})"

    def clean(self):
        super().clean()
        _valider_tranches(self.tranches, cle="coefficient", valeur_nulle_permise=False)


class EmolumentFixe(DonneeSourcee):
    """Émolument fixe HT d'une prestation du tableau 3-1 (ou 3-2, 3-3), avant coefficient."""

    periode = models.ForeignKey(
        PeriodeTarifaire, on_delete=models.PROTECT, related_name="emoluments"
    )
    code = models.CharField(
        "code",
        max_length=60,
        help_text="Numéro de la prestation au tableau (ex. « 42 ») ou, à défaut, code descriptif.",
    )
    article = models.CharField("article", max_length=20)
    libelle = models.CharField("prestation", max_length=300)
    montant = models.DecimalField("émolument (HT)", max_digits=10, decimal_places=2)
    applicable_depuis = models.DateField(
        "applicable depuis",
        null=True,
        blank=True,
        help_text="Si la prestation n'existe que depuis une date postérieure au début de la "
        "période (prestation créée en cours de période).",
    )

    class Meta(DonneeSourcee.Meta):
        verbose_name = "émolument fixe"
        verbose_name_plural = "émoluments fixes"
        ordering = ["-periode__debut", "code"]
        constraints = [
            *DonneeSourcee.Meta.constraints,
            models.UniqueConstraint(
                fields=["periode", "code"], name="emolument_fixe_unique_par_periode"
            ),
            models.CheckConstraint(
                condition=models.Q(montant__gte=0), name="emolument_fixe_positif"
            ),
        ]

    def __str__(self) -> str:
        return f"n° {self.code} {self.libelle} ({self.periode})"
