"""Formulaires de la comptabilité : versement, contre-passation, relevé, débours."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from comptabilite.models import ModeVersement
from etude.forms import FormulaireAccessible


class ChampDate(forms.DateField):
    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("input_formats", ["%Y-%m-%d", "%d/%m/%Y"])
        kwargs.setdefault("error_messages", {"invalid": "Date invalide : écrivez-la JJ/MM/AAAA."})
        super().__init__(*args, **kwargs)


class ChampMontant(forms.DecimalField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault(
            "error_messages",
            {
                "invalid": "Montant invalide : écrivez-le en euros, par exemple 150,00.",
                "max_decimal_places": "Le montant s'exprime au centime près.",
                "max_digits": "Montant trop grand.",
            },
        )
        kwargs.setdefault("localize", True)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace("\u202f", "").replace(" ", "").replace("€", "")
        return super().to_python(value)

    def validate(self, value):
        super().validate(value)
        if value is not None and value <= Decimal("0"):
            raise ValidationError("Le montant doit être strictement positif.")


def _pas_dans_le_futur(jour):
    if jour and jour > timezone.localdate():
        raise ValidationError("La date ne peut pas être dans le futur.")


class VersementForm(FormulaireAccessible):
    montant = ChampMontant(label="Montant reçu (EUR)")
    date_valeur = ChampDate(
        label="Date de valeur",
        validators=[_pas_dans_le_futur],
        help_text="Jour où les fonds sont reçus : l'intérêt cesse ce jour-là sur ce qui est payé.",
    )
    # Pas « répartition » : la part d'une répartition est passée par la répartition elle-même.
    mode = forms.ChoiceField(
        label="Mode de paiement",
        choices=[c for c in ModeVersement.choices if c[0] != ModeVersement.REPARTITION],
    )
    reference = forms.CharField(
        label="Référence", required=False, max_length=140, help_text="N° de chèque, de virement…"
    )


class ContrePassationForm(FormulaireAccessible):
    motif = forms.CharField(
        label="Motif de la contre-passation",
        max_length=300,
        help_text="Obligatoire : il figure au grand livre à côté de l'écriture annulée.",
        error_messages={"required": "Indiquez le motif de la contre-passation."},
    )

    def clean_motif(self):
        motif = self.cleaned_data["motif"].strip()
        if not motif:
            raise ValidationError("Indiquez le motif de la contre-passation.")
        return motif


class ReleveForm(FormulaireAccessible):
    fichier = forms.FileField(
        label="Relevé camt.053 (XML)",
        help_text="Relevé de fin de journée du compte affecté, versions 001.02 à 001.08.",
        error_messages={"required": "Choisissez le fichier du relevé."},
    )


class DeboursForm(FormulaireAccessible):
    libelle = forms.CharField(label="Objet du débours", max_length=200)
    montant = ChampMontant(label="Montant (EUR)")
    date_depense = ChampDate(label="Date de la dépense", validators=[_pas_dans_le_futur])
    justificatif = forms.FileField(
        label="Justificatif", help_text="PDF ou image (JPEG, PNG, TIFF) de la facture ou du reçu."
    )


class ReversementForm(FormulaireAccessible):
    montant = ChampMontant(
        label="Fonds à reverser",
        required=False,
        help_text="Vide : tous les fonds disponibles.",
    )
    facture = ChampMontant(
        label="Facture de l'étude retenue (TTC)",
        required=False,
        help_text="Frais de recouvrement sans titre restant à la charge du créancier "
        "(CPCE L111-8 al. 2), honoraires convenus.",
    )
    libelle_facture = forms.CharField(label="Objet de la facture", max_length=300, required=False)

    def clean_facture(self):
        return self.cleaned_data.get("facture") or Decimal("0.00")


class LotForm(FormulaireAccessible):
    date_execution = ChampDate(label="Date d'exécution demandée")

    def clean_date_execution(self):
        jour = self.cleaned_data["date_execution"]
        if jour < timezone.localdate():
            raise ValidationError("La date d'exécution est passée.")
        return jour
