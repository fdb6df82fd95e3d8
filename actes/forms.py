"""Formulaires des actes : rédaction (date et options propres au type), parties libres,
signification, modèle d'acte."""

from __future__ import annotations

from django import forms

from .gabarits import parties_libres
from .models import ModeSignification

# Champs que chaque type d'acte demande à la rédaction (le reste vient du dossier).
CHAMPS = {
    "pv_saisie_vente": ["debiteur_present"],
    "saisie_attribution": ["tiers_designation", "tiers_siege", "heure", "compte_bancaire"],
    "denonciation_saisie_attribution": ["compte_bancaire", "comptes"],
    "signification_injonction_de_payer": ["frais_greffe", "interets"],
    "lettre_petites_creances": ["fondement"],
    "pv_saisie_remunerations": ["tiers_designation", "tiers_siege", "repartiteur_adresse"],
    "commandement_quitter_lieux": ["lieu_habite"],
    "pv_expulsion": ["meubles_laisses"],
    "commandement_clause_resolutoire": [
        "bail_signe_le",
        "loyer_mensuel",
        "charges_mensuelles",
        "fsl_adresse",
    ],
    "pv_recherches": ["acte_signifie"],
    "mise_en_demeure": ["fondement"],
    "lettre_amiable": ["fondement"],
}

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RedactionForm(forms.Form):
    date_acte = forms.DateField(
        label="Date de l'acte",
        widget=_DATE,
        help_text="Les délais qu'énonce l'acte partent de ce jour : c'est le jour de la "
        "signification.",
    )
    debiteur_present = forms.BooleanField(label="Débiteur présent à la saisie", required=False)
    tiers_designation = forms.CharField(label="Tiers saisi (dénomination)", max_length=200)
    tiers_siege = forms.CharField(label="Siège du tiers saisi", max_length=300)
    heure = forms.TimeField(
        label="Heure de la signification (R211-1)", widget=forms.TimeInput(attrs={"type": "time"})
    )
    compte_bancaire = forms.BooleanField(label="Saisie d'un compte bancaire", required=False)
    comptes = forms.CharField(label="Comptes (SBI, R162-2)", max_length=300, required=False)
    frais_greffe = forms.DecimalField(
        label="Frais de greffe", max_digits=10, decimal_places=2, required=False
    )
    interets = forms.DecimalField(
        label="Intérêts fixés par l'ordonnance", max_digits=10, decimal_places=2, required=False
    )
    fondement = forms.CharField(label="Fondement de la créance", max_length=300, required=False)
    repartiteur_adresse = forms.CharField(
        label="Adresse du commissaire répartiteur", max_length=300
    )
    lieu_habite = forms.BooleanField(
        label="Lieu habité (R412-1 : reproduction de L412-1 à L412-6)", required=False
    )
    meubles_laisses = forms.BooleanField(label="Meubles laissés sur place", required=False)
    bail_signe_le = forms.DateField(label="Bail signé le", widget=_DATE)
    loyer_mensuel = forms.DecimalField(label="Loyer mensuel", max_digits=10, decimal_places=2)
    charges_mensuelles = forms.DecimalField(
        label="Charges mensuelles", max_digits=10, decimal_places=2, required=False
    )
    fsl_adresse = forms.CharField(
        label="Fonds de solidarité pour le logement (nom et adresse)", max_length=300
    )
    acte_signifie = forms.CharField(label="Acte dont la signification est tentée", max_length=300)

    def __init__(self, *args, type_acte: str, **kwargs):
        super().__init__(*args, **kwargs)
        gardes = {"date_acte", *CHAMPS.get(type_acte, [])}
        for nom in list(self.fields):
            if nom not in gardes:
                del self.fields[nom]

    def options(self) -> dict:
        donnees = dict(self.cleaned_data)
        donnees.pop("date_acte")
        if donnees.get("heure") is not None:
            donnees["heure"] = donnees["heure"].strftime("%H:%M")
        return donnees


class PartiesLibresForm(forms.Form):
    def __init__(self, *args, acte, **kwargs):
        super().__init__(*args, **kwargs)
        for partie in parties_libres(acte.modele.gabarit):
            self.fields[partie.nom] = forms.CharField(
                label=partie.libelle,
                required=False,
                initial=acte.parties_libres.get(partie.nom, partie.defaut),
                widget=forms.Textarea(attrs={"rows": 3}),
                max_length=20000,
            )


class SignificationForm(forms.Form):
    mode = forms.ChoiceField(label="Mode", choices=ModeSignification.choices)
    le = forms.DateTimeField(
        label="Date et heure",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    remis_a = forms.CharField(
        label="Copie remise à (nom, prénoms, qualité)", max_length=300, required=False
    )
    diligences = forms.CharField(
        label="Diligences accomplies", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    lettre_simple_le = forms.DateField(label="Lettre simple le", widget=_DATE, required=False)
    lettre_recommandee_le = forms.DateField(
        label="Lettre recommandée avec AR le", widget=_DATE, required=False
    )


class ModeleForm(forms.Form):
    gabarit = forms.CharField(label="Gabarit", widget=forms.Textarea(attrs={"rows": 30}))
    commentaire = forms.CharField(label="Motif de la nouvelle version", max_length=300)
