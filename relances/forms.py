"""Formulaires des scénarios et de leurs étapes."""

from django import forms

from etude.forms import ModeleAccessible

from .models import EtapeScenario, PolitiqueEcheancier, Scenario


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
