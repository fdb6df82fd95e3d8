"""Formulaires des procédures.

Le formulaire d'une étape est construit depuis la signature de son service
(`procedures.services.<type>_<etape>`) : chaque argument nommé après `acteur` et `procedure`
devient un champ selon son annotation (datetime : date et heure, l'heure étant exigée par la
loi pour ces actes, CPCE R211-1, CPC 664 ; date ; bool ; Decimal ; str). Une étape sans
service (constats de la nuit) n'est pas proposée à l'écran.
"""

from __future__ import annotations

import typing
from datetime import date, datetime
from decimal import Decimal
from functools import cache

from django import forms
from django.utils import timezone

from dossiers.forms import DateInput, MontantField
from etude.forms import FormulaireAccessible

from . import services
from .models import TypeProcedure
from .models.base import SANS_TITRE
from .models.logement import ExceptionTreve

ARGUMENTS_COMMUNS = {"acteur", "procedure"}

LIBELLES_ETAPES = {
    "signifier_commandement": "Signifier le commandement de payer",
    "dresser_pv_saisie": "Dresser le procès-verbal de saisie",
    "dresser_pv_carence": "Dresser un procès-verbal de carence",
    "signifier_pv": "Signifier le procès-verbal au débiteur",
    "transmettre_propositions": "Transmettre les propositions de vente amiable",
    "realiser_vente_amiable": "Enregistrer la vente amiable",
    "annoncer_vente_forcee": "Annoncer la vente forcée",
    "proceder_vente_forcee": "Procéder à la vente forcée",
    "distribuer": "Distribuer le prix",
    "abandonner": "Abandonner (mainlevée)",
    "signifier": "Signifier l'acte de saisie",
    "enregistrer_declaration": "Enregistrer la déclaration du tiers saisi",
    "denoncer": "Dénoncer la saisie au débiteur",
    "enregistrer_contestation": "Enregistrer une contestation",
    "statuer_contestation": "Enregistrer la décision sur la contestation",
    "delivrer_certificat_non_contestation": "Délivrer le certificat de non-contestation",
    "constater_paiement": "Constater le paiement",
    "inscrire_commandement": "Inscrire le commandement au registre",
    "enregistrer_accord": "Enregistrer un procès-verbal d'accord",
    "reprendre": "Reprendre la saisie",
    "designer_repartiteur": "Désigner le commissaire répartiteur",
    "signifier_pv_saisie": "Signifier le procès-verbal de saisie à l'employeur",
    "enregistrer_declaration_employeur": "Enregistrer la déclaration de l'employeur",
    "enregistrer_versement": "Enregistrer un versement",
    "constater_fin_emploi": "Constater la fin de la relation de travail",
    "reprendre_chez_nouvel_employeur": "Reprendre chez un nouvel employeur",
    "terminer": "Terminer la saisie",
    "deposer_requete": "Déposer la requête",
    "rejeter_requete": "Enregistrer le rejet de la requête",
    "enregistrer_ordonnance": "Enregistrer l'ordonnance",
    "enregistrer_opposition": "Enregistrer une opposition",
    "constater_force_executoire": "Constater la force exécutoire",
    "envoyer_lettre": "Envoyer la lettre d'invitation",
    "enregistrer_refus": "Enregistrer le refus",
    "delivrer_titre": "Délivrer le titre",
    "informer_prefet": "Informer le préfet",
    "enregistrer_exceptions": "Enregistrer les exceptions (trêve, délai)",
    "requerir_force_publique": "Requérir la force publique",
    "accorder_concours": "Enregistrer l'octroi du concours",
    "refuser_concours": "Enregistrer le refus du concours",
    "dresser_pv": "Dresser le procès-verbal d'expulsion",
    "constater_depart_volontaire": "Constater le départ volontaire",
    "constater_retrait_meubles": "Constater le retrait des meubles",
    "clore": "Clore la procédure",
    "signaler_ccapex": "Signaler à la CCAPEX",
    "constater_clause_acquise": "Constater l'acquisition de la clause",
    "assigner": "Assigner",
    "notifier_prefet": "Notifier l'assignation au préfet",
    "enregistrer_jugement": "Enregistrer le jugement",
}

LIBELLES_CHAMPS = {
    "le": "Date",
    "signifie_le": "Signifié le",
    "tiers_saisi": "Tiers saisi",
    "compte_bancaire": "Saisie d'un compte bancaire (CPCE L162-1)",
    "solde_declare": "Solde déclaré",
    "sbi_applique": "Solde bancaire insaisissable laissé (L162-2)",
    "renonciation_ecrite": "Le débiteur a déclaré par écrit ne pas contester (R211-6)",
    "montant": "Montant",
    "motif": "Motif",
    "rejetee": "Contestation rejetée",
    "debiteur_present": "Débiteur présent",
    "vente_le": "Date de la vente",
    "employeur": "Employeur",
    "repartiteur": "Commissaire répartiteur",
    "juridiction": "Juridiction",
    "montant_principal": "Principal",
    "montant_interets": "Intérêts",
    "a_personne": "Signifiée à personne",
    "voie_de_fait": "Entrée par voie de fait",
    "prefet_saisi_le": "Préfet saisi le",
    "exception_treve": "Exception à la trêve hivernale",
    "delai_supprime_par_juge": "Délai supprimé par le juge",
    "meubles_laisses": "Meubles laissés sur place",
    "bail_signe_le": "Bail signé le",
    "loyer_mensuel_hc": "Loyer mensuel hors charges",
    "dette": "Dette locative",
    "impayes_depuis_deux_mois": "Impayés depuis deux mois",
    "audience_le": "Audience le",
}


def libelle_etape(nom: str) -> str:
    return LIBELLES_ETAPES.get(nom, nom.replace("_", " ").capitalize())


def service_etape(type_procedure: str, nom: str):
    """La fonction de service d'une étape, ou None (étape réservée à la nuit)."""
    return getattr(services, f"{type_procedure}_{nom}", None)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%H:%M")


class DateHeureWidget(forms.MultiWidget):
    def __init__(self, attrs=None):
        super().__init__([DateInput(), TimeInput()], attrs)

    def decompress(self, value):
        if value:
            value = timezone.localtime(value)
            return [value.date(), value.time().replace(second=0, microsecond=0)]
        return [None, None]


class DateHeureField(forms.SplitDateTimeField):
    """Date et heure de l'acte : CPC 664 (pas avant 6 h ni après 21 h), CPCE R211-1."""

    widget = DateHeureWidget
    default_error_messages = {
        "invalid_date": "Saisissez une date valide.",
        "invalid_time": "Saisissez l'heure de l'acte (hh:mm).",
        "required": "La date et l'heure de l'acte sont obligatoires.",
    }


def _enlever_none(annotation):
    arguments = [a for a in typing.get_args(annotation) if a is not type(None)]
    if len(arguments) == 1 and type(None) in typing.get_args(annotation):
        return arguments[0], True
    return annotation, False


def _champ(nom: str, annotation, defaut):
    libelle = LIBELLES_CHAMPS.get(nom, nom.replace("_", " ").capitalize())
    annotation, optionnel = _enlever_none(annotation)
    requis = defaut is _SANS_DEFAUT and not optionnel
    if nom == "exception_treve":
        return forms.ChoiceField(
            label=libelle, choices=ExceptionTreve.choices, required=False, initial=defaut
        )
    if annotation is datetime:
        return DateHeureField(label=libelle, required=requis)
    if annotation is date:
        return forms.DateField(
            label=libelle,
            required=requis,
            widget=DateInput,
            initial=timezone.localdate if requis else None,
        )
    if annotation is bool:
        initial = bool(defaut) if defaut is not _SANS_DEFAUT else False
        return forms.BooleanField(label=libelle, required=False, initial=initial)
    if annotation is Decimal:
        return MontantField(label=libelle, required=requis, max_digits=14, decimal_places=2)
    if nom == "motif":
        return forms.CharField(label=libelle, max_length=300, required=requis)
    return forms.CharField(label=libelle, max_length=200, required=requis)


_SANS_DEFAUT = object()


@cache
def _parametres(type_procedure: str, nom: str) -> tuple:
    import inspect

    fonction = service_etape(type_procedure, nom)
    if fonction is None:
        return ()
    indices = typing.get_type_hints(fonction)
    resultat = []
    for parametre in inspect.signature(fonction).parameters.values():
        if parametre.name in ARGUMENTS_COMMUNS:
            continue
        defaut = (
            _SANS_DEFAUT if parametre.default is inspect.Parameter.empty else parametre.default
        )
        resultat.append((parametre.name, indices.get(parametre.name, str), defaut))
    return tuple(resultat)


class EtapeForm(FormulaireAccessible):
    """Les champs propres à une étape, d'après la signature de son service."""

    def __init__(self, *args, procedure, transition: str, **kwargs):
        kwargs.setdefault("prefix", f"p{procedure.pk}-{transition}")
        super().__init__(*args, **kwargs)
        self.procedure = procedure
        self.transition = transition
        self.libelle = libelle_etape(transition)
        for nom, annotation, defaut in _parametres(procedure.type, transition):
            self.fields[nom] = _champ(nom, annotation, defaut)

    @property
    def avec_heure(self) -> bool:
        return any(isinstance(f, DateHeureField) for f in self.fields.values())

    def arguments(self) -> dict:
        valeurs = {}
        for nom, _annotation, defaut in _parametres(self.procedure.type, self.transition):
            valeur = self.cleaned_data.get(nom)
            if valeur in (None, "") and defaut is not _SANS_DEFAUT:
                continue
            valeurs[nom] = valeur
        return valeurs


class OuvrirProcedureForm(FormulaireAccessible):
    """Commencer une procédure : type, débiteur, titre (exigé sauf injonction et petites
    créances, CPCE L111-2 : le service le vérifie et le dit)."""

    type = forms.ChoiceField(label="Procédure", choices=TypeProcedure.choices)
    debiteur = forms.ModelChoiceField(label="Débiteur", queryset=None, empty_label=None)
    titre = forms.ModelChoiceField(
        label="Titre exécutoire", queryset=None, required=False, empty_label="— aucun —"
    )

    def __init__(self, *args, dossier, parties=None, titres=None, **kwargs):
        kwargs.setdefault("prefix", "ouvrir")
        super().__init__(*args, **kwargs)
        self.fields["debiteur"].queryset = dossier.debiteurs.all()
        self.fields["titre"].queryset = dossier.titres.all()
        # Choix déjà lus par la fiche : pas de requête de plus au rendu.
        if parties is not None:
            self.fields["debiteur"].choices = [
                (p.debiteur.pk, p.debiteur.designation) for p in parties
            ]
        if titres is not None:
            self.fields["titre"].choices = [("", "— aucun —")] + [
                (t.pk, f"{t.get_nature_display()} du {t.date_titre:%d/%m/%Y}") for t in titres
            ]
            if titres:
                self.fields["titre"].initial = titres[0].pk

    def clean(self):
        donnees = super().clean()
        if donnees.get("type") in SANS_TITRE:
            donnees["titre"] = None
        return donnees


class DecisionForm(FormulaireAccessible):
    decision = forms.ChoiceField(
        choices=[("approuver", "Approuver"), ("refuser", "Refuser")], widget=forms.HiddenInput
    )
    commentaire = forms.CharField(
        label="Commentaire",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class InterventionForm(FormulaireAccessible):
    """Un autre créancier se joint à la saisie (R221-42 ; R212-1-17)."""

    creancier = forms.ModelChoiceField(label="Créancier intervenant", queryset=None)
    titre = forms.CharField(
        label="Titre exécutoire invoqué",
        max_length=300,
        help_text="Nature, date, juridiction (R221-42).",
    )
    montant = MontantField(label="Créance déclarée (principal, frais et intérêts échus)")
    acte_le = DateHeureField(label="Acte signifié au premier saisissant le")
    commandement_le = forms.DateField(
        label="Commandement de l'intervenant le",
        required=False,
        widget=DateInput,
        help_text="Saisie des rémunérations : un mois avant l'intervention (L212-2 al. 3).",
    )
    dossier = forms.ModelChoiceField(
        label="Dossier de l'étude pour ce créancier",
        queryset=None,
        required=False,
        help_text="Si l'étude poursuit aussi ce débiteur pour ce créancier : ses parts des "
        "répartitions iront au grand livre de ce dossier. Vide pour un créancier tiers.",
    )

    def __init__(self, *args, procedure, **kwargs):
        kwargs.setdefault("prefix", f"i{procedure.pk}")
        super().__init__(*args, **kwargs)
        from dossiers.models import Creancier

        self.fields["creancier"].queryset = Creancier.objects.filter(
            etude_id=procedure.etude_id
        ).exclude(pk=procedure.dossier.creancier_id)
        if procedure.type != "saisie_remunerations":
            del self.fields["commandement_le"]
        from dossiers.models import Dossier

        self.fields["dossier"].queryset = (
            Dossier.objects.filter(etude_id=procedure.etude_id, debiteurs=procedure.debiteur_id)
            .exclude(pk=procedure.dossier_id)
            .select_related("creancier")
            .order_by("reference")
        )
        self.fields["dossier"].label_from_instance = lambda d: (
            f"{d.reference} — {d.creancier.designation}"
        )


class InterventionDateForm(FormulaireAccessible):
    """Dénonciation (date et heure) ou inscription au registre (date) d'une intervention."""

    def __init__(self, *args, intervention, avec_heure: bool, **kwargs):
        kwargs.setdefault("prefix", f"iv{intervention.pk}")
        super().__init__(*args, **kwargs)
        self.fields["le"] = (
            DateHeureField(label="Dénoncée au débiteur le")
            if avec_heure
            else forms.DateField(label="Inscrite au registre le", widget=DateInput)
        )


class RepartitionForm(FormulaireAccessible):
    """Répartir des sommes entre les créanciers (C. civ. 2285 ; L221-6 ; R212-1-23)."""

    le = forms.DateField(label="Date de la répartition", widget=DateInput)
    montant = MontantField(
        label="Somme à répartir",
        help_text="La créance restante du premier saisissant est lue au décompte du dossier "
        "à la date de la répartition.",
    )

    def __init__(self, *args, procedure, **kwargs):
        kwargs.setdefault("prefix", f"r{procedure.pk}")
        super().__init__(*args, **kwargs)


class RepartitionContrePasserForm(FormulaireAccessible):
    """Contre-passer une répartition erronée : ses versements aux grands livres de l'étude
    sont contre-passés, elle ne compte plus ; la juste s'arrête ensuite à nouveau."""

    motif = forms.CharField(
        label="Motif de la contre-passation",
        max_length=300,
        error_messages={"required": "Indiquez le motif de la contre-passation."},
    )

    def __init__(self, *args, repartition, **kwargs):
        kwargs.setdefault("prefix", f"rc{repartition.pk}")
        super().__init__(*args, **kwargs)
