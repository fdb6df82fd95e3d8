"""Formulaires des scénarios et de leurs étapes, du résultat d'un appel."""

from datetime import date
from decimal import Decimal

from django import forms

from etude.forms import ModeleAccessible

from .models import (
    Appel,
    EtapeScenario,
    PolitiqueEcheancier,
    ReglageRelances,
    ResultatAppel,
    Scenario,
)
from .services.campagnes import SOURCES_CONTESTATION, limite_promesse

# Ce que le clerc choisit après un appel (les boutons de la liste).
RESULTATS_SAISIS = [(v, n) for v, n in ResultatAppel.choices if v != ResultatAppel.IGNORE]


class ScenarioForm(ModeleAccessible):
    class Meta:
        model = Scenario
        fields = [
            "nom",
            "actif",
            "priorite",
            "affectation_auto",
            "regle_montant_min",
            "regle_montant_max",
            "regle_type_personne",
            "regle_nature",
            "arret_paiement_total",
            "arret_plan",
            "arret_contestation",
            "arret_surendettement",
            "arret_promesse",
        ]


class EtapeForm(ModeleAccessible):
    class Meta:
        model = EtapeScenario
        fields = [
            "apres_jours",
            "declencheur",
            "canal",
            "objet",
            "modele",
            "script",
            "montant_min",
            "montant_max",
            "type_personne",
            "nature",
            "voie_judiciaire",
        ]
        widgets = {
            "modele": forms.Textarea(attrs={"rows": 4}),
            "script": forms.Textarea(attrs={"rows": 3}),
        }


class ReglageRelancesForm(ModeleAccessible):
    class Meta:
        model = ReglageRelances
        fields = ["heure_debut", "heure_fin", "samedi", "telephone", "nom_affiche"]


class PolitiqueEcheancierForm(ModeleAccessible):
    class Meta:
        model = PolitiqueEcheancier
        fields = [
            "duree_max_mois",
            "remise_interets_autorisee",
            "remise_frais_autorisee",
            "reste_a_vivre",
            "reste_a_vivre_par_personne",
            "grace_jours",
            "delai_mise_en_demeure_jours",
        ]


_MONTANT_PROMIS = Appel._meta.get_field("promesse_montant")


class ResultatAppelForm(forms.Form):
    """Résultat d'un appel saisi dans la liste du clerc. La promesse de payer porte un
    montant que la colonne tient (mêmes chiffres et décimales que le modèle, au moins un
    centime) et une date entre aujourd'hui et la durée maximale des plans de l'étude : rien
    de mal formé n'atteint le service (plus de 500 sur « 1e20 », « Infinity »)."""

    resultat = forms.ChoiceField(label="Résultat", choices=RESULTATS_SAISIS)
    promesse_date = forms.DateField(label="Date promise", required=False)
    promesse_montant = forms.DecimalField(
        label="Montant promis",
        required=False,
        max_digits=_MONTANT_PROMIS.max_digits,
        decimal_places=_MONTANT_PROMIS.decimal_places,
        min_value=Decimal("0.01"),
        localize=True,  # « 150,00 » comme « 150.00 »
        error_messages={"min_value": "Le montant promis est d'au moins 0,01 €."},
    )
    commentaire = forms.CharField(label="Commentaire", required=False, max_length=300)

    def __init__(self, *args, etude_id: int, aujourd_hui: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.aujourd_hui = aujourd_hui
        self.limite = limite_promesse(etude_id, aujourd_hui)

    def clean(self):
        donnees = super().clean()
        if donnees.get("resultat") != ResultatAppel.PROMESSE:
            donnees["promesse_date"] = donnees["promesse_montant"] = None
            return donnees
        le = donnees.get("promesse_date")
        if "promesse_date" not in self.errors:
            if le is None:
                self.add_error("promesse_date", "Une promesse de payer porte une date.")
            elif le < self.aujourd_hui:
                self.add_error("promesse_date", "La date promise ne peut pas être passée.")
            elif le > self.limite:
                self.add_error(
                    "promesse_date",
                    f"La date promise ne peut pas dépasser le {self.limite:%d/%m/%Y} (durée "
                    "maximale des plans de l'étude) : au-delà, proposez un plan.",
                )
        if "promesse_montant" not in self.errors and donnees.get("promesse_montant") is None:
            self.add_error("promesse_montant", "Une promesse de payer porte un montant.")
        return donnees

    def message(self) -> str:
        """Les erreurs en une phrase, pour le message de la liste d'appels."""
        return " ".join(
            f"{self.fields[champ].label} : {' '.join(erreurs)}"
            if champ in self.fields
            else " ".join(erreurs)
            for champ, erreurs in self.errors.items()
        )


class ContestationForm(forms.Form):
    """Contestation reçue hors d'un appel (fiche du dossier)."""

    source = forms.ChoiceField(
        label="Reçue", choices=[(k, v.capitalize()) for k, v in SOURCES_CONTESTATION.items()]
    )
    commentaire = forms.CharField(
        label="Ce que le débiteur conteste",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
