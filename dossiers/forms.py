"""Formulaires des dossiers : filtres de la liste, création complète, pièces, débiteur.

La validation des champs est celle des modèles (ModelForm -> full_clean, messages en
français) ; les services la refont dans leur transaction, et leurs erreurs éventuelles
reviennent sur le champ par `FormulaireDossier.ajouter_erreurs`.
"""

from __future__ import annotations

import re
from decimal import Decimal

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q

from etude.forms import FormulaireAccessible, ModeleAccessible
from etude.models import Role, Utilisateur, normaliser_iban, valider_siret
from relances.services.coordonnees import MOTIF_LONGUEUR_MAX, SourceCoordonnee

from .creation import DonneesCreation, ErreurCreation, NouveauDebiteur
from .models import (
    Creancier,
    Debiteur,
    Dossier,
    Nature,
    Phase,
    Piece,
    Statut,
    TitreExecutoire,
    TypePersonne,
)
from .recherche import TRIS
from .services import DonneesDossier, DonneesTitre

COURRIEL_INVALIDE = "Saisissez une adresse électronique valide (nom@domaine.fr)."
ROLES_ECRITURE = [Role.CLERC, Role.PRINCIPAL_CLERC, Role.COMMISSAIRE, Role.COMPTABLE]


def clercs_de(utilisateur):
    """Membres actifs de l'étude à qui l'on peut confier un dossier."""
    return (
        Utilisateur.objects.filter(
            etude_id=utilisateur.etude_id, is_active=True, groups__name__in=ROLES_ECRITURE
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class MontantField(forms.DecimalField):
    """Montant saisi à la française : « 1 234,56 », « 1234.56 », « 1 234,56 EUR »."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
        )
        super().__init__(**kwargs)
        self.error_messages["invalid"] = "Saisissez un montant, par exemple 1 234,56."

    def to_python(self, value):
        if isinstance(value, str):
            value = re.sub(r"(?i)\s|eur|€", "", value).replace(",", ".")
        return super().to_python(value)

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return f"{value:.2f}".replace(".", ",")
        return value


class TauxField(MontantField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 7)
        kwargs.setdefault("decimal_places", 4)
        super().__init__(**kwargs)
        self.error_messages["invalid"] = "Saisissez un taux, par exemple 4,5."

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return format(value.normalize(), "f").replace(".", ",")
        return value


# ---------------------------------------------------------------------------------------
# Liste des dossiers
# ---------------------------------------------------------------------------------------


class FiltreDossiersForm(FormulaireAccessible):
    statut = forms.ChoiceField(
        label="Statut",
        required=False,
        choices=[("", "Tous"), ("actifs", "Actifs")] + list(Statut.choices),
    )
    phase = forms.ChoiceField(
        label="Phase", required=False, choices=[("", "Toutes")] + list(Phase.choices)
    )
    nature = forms.ChoiceField(
        label="Nature de la créance",
        required=False,
        choices=[("", "Toutes")] + list(Nature.choices),
    )
    clerc = forms.ModelChoiceField(
        label="Clerc en charge",
        required=False,
        queryset=Utilisateur.objects.none(),
        empty_label="Tous",
    )
    mes = forms.BooleanField(label="Mes dossiers seulement", required=False)
    tri = forms.ChoiceField(
        label="Trier par",
        required=False,
        choices=[
            ("recents", "Plus récents"),
            ("anciens", "Plus anciens"),
            ("montant", "Montant décroissant"),
            ("reference", "Référence"),
        ],
    )

    def __init__(self, *args, utilisateur, **kwargs):
        super().__init__(*args, **kwargs)
        self.utilisateur = utilisateur
        self.fields["clerc"].queryset = clercs_de(utilisateur)

    @property
    def tri_choisi(self) -> str:
        if self.is_bound and self.is_valid() and self.cleaned_data.get("tri") in TRIS:
            return self.cleaned_data["tri"]
        return "recents"

    def filtrer(self, qs):
        """Applique les filtres valides (un filtre invalide est ignoré et signalé)."""
        if not self.is_bound or not self.is_valid():
            return qs
        donnees = self.cleaned_data
        if donnees.get("statut") == "actifs":
            qs = qs.actifs()
        elif donnees.get("statut"):
            qs = qs.filter(statut=donnees["statut"])
        if donnees.get("phase"):
            qs = qs.filter(phase=donnees["phase"])
        if donnees.get("nature"):
            qs = qs.filter(nature=donnees["nature"])
        if donnees.get("mes"):
            qs = qs.filter(clerc=self.utilisateur)
        elif donnees.get("clerc"):
            qs = qs.filter(clerc=donnees["clerc"])
        return qs


# ---------------------------------------------------------------------------------------
# Création d'un dossier : créancier, débiteur(s), dossier, titre exécutoire
# ---------------------------------------------------------------------------------------

CHAMPS_PERSONNE = [
    "type_personne",
    "civilite",
    "nom",
    "prenoms",
    "raison_sociale",
    "forme_juridique",
    "siren",
    "representant",
    "adresse",
    "code_postal",
    "ville",
    "pays",
]


class PersonneExistanteOuNouvelle(ModeleAccessible):
    """Une partie choisie parmi celles de l'étude (`existant`) ou saisie ici.

    Quand `existant` est choisi, les champs d'identité sont ignorés (ni requis ni validés).
    """

    modele = None
    existant = forms.ModelChoiceField(
        label="Déjà connu de l'étude",
        required=False,
        queryset=Creancier.objects.none(),
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Ce choix n'est pas une partie de votre étude."},
    )
    siren = forms.CharField(
        label="SIREN ou SIRET",
        required=False,
        max_length=20,
        help_text="9 chiffres (SIREN) ou 14 chiffres (SIRET, dont on garde le SIREN).",
    )

    def __init__(self, *args, utilisateur, **kwargs):
        super().__init__(*args, **kwargs)
        self.utilisateur = utilisateur
        self.fields["existant"].queryset = self.modele.objects.pour(utilisateur)
        self.fields["type_personne"].widget = forms.RadioSelect()
        self.fields["type_personne"].choices = TypePersonne.choices
        self.fields["type_personne"].required = False
        self.fields["type_personne"].initial = TypePersonne.PHYSIQUE
        self.fields["pays"].initial = "France"

    def existant_choisi(self):
        """La partie existante cochée (pour la réafficher après une erreur)."""
        valeur = self["existant"].value()
        if not valeur:
            return None
        try:
            return self.fields["existant"].queryset.filter(pk=int(valeur)).first()
        except (TypeError, ValueError):
            return None

    def clean_siren(self):
        valeur = re.sub(r"\s", "", self.cleaned_data.get("siren") or "")
        if not valeur:
            return ""
        if len(valeur) == 14:
            valider_siret(valeur)
            return valeur[:9]
        if len(valeur) != 9:
            raise ValidationError("Indiquez un SIREN (9 chiffres) ou un SIRET (14 chiffres).")
        return valeur

    def clean(self):
        donnees = super().clean()
        if donnees.get("existant"):
            return donnees
        if not donnees.get("type_personne"):
            self.add_error(
                "type_personne", "Indiquez s'il s'agit d'une personne physique ou morale."
            )
        return donnees

    def _post_clean(self):
        # Partie existante : rien à valider de l'identité saisie (elle est ignorée).
        if self.cleaned_data.get("existant"):
            return
        super()._post_clean()

    def donnees_modele(self) -> dict:
        return {
            champ: self.cleaned_data.get(champ)
            for champ in self._meta.fields
            if champ in self.cleaned_data and self.cleaned_data.get(champ) is not None
        }


class CreancierForm(PersonneExistanteOuNouvelle):
    modele = Creancier

    class Meta:
        model = Creancier
        fields = [
            *CHAMPS_PERSONNE,
            "date_naissance",
            "lieu_naissance",
            "nationalite",
            "profession",
            "email",
            "agit_pour_besoins_professionnels",
            "iban",
        ]
        widgets = {"date_naissance": DateInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["existant"].label = "Créancier déjà connu de l'étude"
        self.fields["iban"].help_text = "Compte sur lequel l'étude reversera les fonds."
        self.fields["email"].error_messages["invalid"] = COURRIEL_INVALIDE

    def clean_iban(self):
        return normaliser_iban(self.cleaned_data.get("iban") or "")

    def clean(self):
        donnees = super().clean()
        if (
            not donnees.get("existant")
            and donnees.get("type_personne") == TypePersonne.MORALE
            and not donnees.get("agit_pour_besoins_professionnels")
        ):
            # Contrainte creancier_morale_professionnelle (DOMAINE.md, décision 2).
            self.add_error(
                "agit_pour_besoins_professionnels",
                "Une personne morale agit toujours pour les besoins de son activité.",
            )
        return donnees


class DebiteurForm(PersonneExistanteOuNouvelle):
    modele = Debiteur
    telephone = forms.CharField(
        label="Téléphone",
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        help_text="Numéro français (06 12 34 56 78) ou international (+32 …).",
    )
    consentement_sms = forms.BooleanField(label="Accepte les SMS", required=False)
    consentement_appel = forms.BooleanField(
        label="Accepte les appels", required=False, initial=True
    )
    courriel = forms.EmailField(
        label="Courriel",
        required=False,
        error_messages={"invalid": COURRIEL_INVALIDE},
    )
    consentement_courriel = forms.BooleanField(label="Accepte les courriels", required=False)

    class Meta:
        model = Debiteur
        fields = [
            *CHAMPS_PERSONNE,
            "nom_naissance",
            "date_naissance",
            "lieu_naissance",
            "nationalite",
            "profession",
        ]
        widgets = {"date_naissance": DateInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["existant"].label = "Débiteur déjà connu de l'étude"

    def clean_telephone(self):
        valeur = (self.cleaned_data.get("telephone") or "").strip()
        if not valeur:
            return None
        try:
            numero = phonenumbers.parse(valeur, "FR")
        except phonenumbers.NumberParseException as exc:
            raise ValidationError(
                "Numéro de téléphone illisible : saisissez par exemple 06 12 34 56 78."
            ) from exc
        if not phonenumbers.is_valid_number(numero):
            raise ValidationError(
                "Ce numéro de téléphone n'existe pas (vérifiez le nombre de chiffres)."
            )
        return numero

    def nouveau_debiteur(self) -> NouveauDebiteur:
        telephones, emails = [], []
        numero = self.cleaned_data.get("telephone")
        if numero is not None:
            telephones.append(
                {
                    "numero": phonenumbers.format_number(
                        numero, phonenumbers.PhoneNumberFormat.E164
                    ),
                    "mobile": phonenumbers.number_type(numero)
                    in (
                        phonenumbers.PhoneNumberType.MOBILE,
                        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
                    ),
                    "consentement_sms": self.cleaned_data.get("consentement_sms", False),
                    "consentement_appel": self.cleaned_data.get("consentement_appel", False),
                }
            )
        if self.cleaned_data.get("courriel"):
            emails.append(
                {
                    "adresse": self.cleaned_data["courriel"],
                    "consentement": self.cleaned_data.get("consentement_courriel", False),
                }
            )
        return NouveauDebiteur(
            partie=self.prefix, donnees=self.donnees_modele(), telephones=telephones, emails=emails
        )


class BaseDebiteursFormSet(forms.BaseFormSet):
    default_error_messages = {
        "too_few_forms": "Indiquez au moins un débiteur.",
        "too_many_forms": "Un dossier compte au plus %(num)d débiteurs.",
    }

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = "Retirer ce débiteur du dossier"

    def clean(self):
        super().clean()
        vus = set()
        for form in self.forms:
            if self._should_delete_form(form) or not hasattr(form, "cleaned_data"):
                continue
            existant = form.cleaned_data.get("existant")
            if existant is not None:
                if existant.pk in vus:
                    raise ValidationError("Le même débiteur est indiqué deux fois.")
                vus.add(existant.pk)

    def formulaires_retenus(self):
        return [
            form
            for index, form in enumerate(self.forms)
            if not self._should_delete_form(form) and (form.has_changed() or index < self.min_num)
        ]


DebiteursFormSet = forms.formset_factory(
    DebiteurForm,
    formset=BaseDebiteursFormSet,
    extra=0,
    min_num=1,
    validate_min=True,
    max_num=10,
    validate_max=True,
    can_delete=True,
)


class DossierForm(ModeleAccessible):
    montant_principal = MontantField(
        label="Principal réclamé",
        min_value=Decimal("0.01"),
        error_messages={"min_value": "Le principal doit être supérieur à 0."},
    )
    avec_titre = forms.BooleanField(
        label="Le créancier dispose d'un titre exécutoire",
        required=False,
        initial=True,
        help_text="Décochez pour un dossier amiable sans titre (le titre s'ajoutera plus tard).",
    )

    class Meta:
        model = Dossier
        fields = [
            "nature",
            "montant_principal",
            "reference_creancier",
            "date_premier_impaye",
            "clerc",
        ]
        widgets = {"date_premier_impaye": DateInput}

    def __init__(self, *args, utilisateur, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["clerc"].queryset = clercs_de(utilisateur)
        self.fields["clerc"].initial = utilisateur.pk
        self.fields["clerc"].empty_label = None

    def donnees_dossier(self) -> DonneesDossier:
        return DonneesDossier(
            nature=self.cleaned_data["nature"],
            montant_principal=self.cleaned_data["montant_principal"],
            reference_creancier=self.cleaned_data.get("reference_creancier") or "",
            clerc=self.cleaned_data.get("clerc"),
            date_premier_impaye=self.cleaned_data.get("date_premier_impaye"),
        )


class TitreForm(ModeleAccessible):
    montant_principal = MontantField(
        label="Principal alloué",
        min_value=Decimal("0"),
        error_messages={"min_value": "Le montant ne peut pas être négatif."},
    )
    montant_frais = MontantField(
        label="Frais alloués (art. 700, dépens)",
        min_value=Decimal("0"),
        required=False,
        error_messages={"min_value": "Le montant ne peut pas être négatif."},
    )
    dont_article_700 = MontantField(
        label="Dont indemnité de l'article 700 CPC",
        min_value=Decimal("0"),
        required=False,
        help_text="Le reste des frais alloués est compté comme dépens (hors de l'assiette du "
        "droit A444-32).",
        error_messages={"min_value": "Le montant ne peut pas être négatif."},
    )
    taux_contractuel = TauxField(label="Taux contractuel (%)", required=False)

    class Meta:
        model = TitreExecutoire
        fields = [
            "nature",
            "date_titre",
            "juridiction",
            "numero_rg",
            "date_signification",
            "date_force_executoire",
            "montant_principal",
            "montant_frais",
            "dont_article_700",
            "creance_contrat_travail",
            "type_interets",
            "interets_depuis",
            "taux_contractuel",
            "capitalisation",
            "majoration_ecartee",
            "imputation_principal_dabord",
        ]
        widgets = {
            "date_titre": DateInput,
            "date_signification": DateInput,
            "date_force_executoire": DateInput,
            "interets_depuis": DateInput,
        }

    def clean_montant_frais(self):
        return self.cleaned_data.get("montant_frais") or Decimal("0.00")

    def clean_dont_article_700(self):
        return self.cleaned_data.get("dont_article_700") or Decimal("0.00")

    def donnees_titre(self) -> DonneesTitre:
        return DonneesTitre(**{champ: self.cleaned_data.get(champ) for champ in self._meta.fields})


class FormulaireDossier:
    """Le formulaire unique de création : quatre parties validées ensemble."""

    def __init__(self, data=None, *, utilisateur):
        self.utilisateur = utilisateur
        self.dossier = DossierForm(data, prefix="dossier", utilisateur=utilisateur)
        self.creancier = CreancierForm(data, prefix="creancier", utilisateur=utilisateur)
        self.debiteurs = DebiteursFormSet(
            data, prefix="debiteurs", form_kwargs={"utilisateur": utilisateur}
        )
        self.avec_titre = True if data is None else bool(self.dossier["avec_titre"].value())
        self.titre = TitreForm(data if self.avec_titre else None, prefix="titre")
        self.erreurs_generales: list[str] = []
        # Bloc de débiteur ajouté sans JavaScript : pas de bandeau d'échec d'enregistrement.
        self.ajout_seulement = False

    def is_valid(self) -> bool:
        parties = [self.dossier, self.creancier, self.debiteurs]
        if self.avec_titre:
            parties.append(self.titre)
        # Chaque partie est validée (pas d'arrêt au premier échec) : toutes les erreurs
        # s'affichent d'un coup.
        resultats = [partie.is_valid() for partie in parties]
        return all(resultats)

    @property
    def a_des_erreurs(self) -> bool:
        if not self.dossier.is_bound or self.ajout_seulement:
            return False
        return bool(self.erreurs_generales) or not self.is_valid()

    def donnees(self) -> DonneesCreation:
        if self.creancier.cleaned_data.get("existant"):
            creancier = self.creancier.cleaned_data["existant"]
        else:
            creancier = self.creancier.donnees_modele()
        debiteurs = []
        for form in self.debiteurs.formulaires_retenus():
            existant = form.cleaned_data.get("existant")
            debiteurs.append(existant if existant else form.nouveau_debiteur())
        return DonneesCreation(
            creancier=creancier,
            debiteurs=debiteurs,
            dossier=self.dossier.donnees_dossier(),
            titre=self.titre.donnees_titre() if self.avec_titre else None,
        )

    def _formulaire(self, partie: str):
        if partie in ("creancier", "dossier", "titre"):
            return getattr(self, partie)
        for form in self.debiteurs.forms:
            if form.prefix == partie:
                return form
        return None

    def ajouter_erreurs(self, erreur: ErreurCreation | ValidationError) -> None:
        """Replace l'erreur d'un service sur le champ concerné (sinon en tête du formulaire)."""
        partie = getattr(erreur, "partie", None)
        cause = getattr(erreur, "erreur", erreur)
        form = self._formulaire(partie) if partie else None
        if hasattr(cause, "error_dict"):
            for champ, messages in cause.message_dict.items():
                if form is not None and champ in form.fields:
                    form.add_error(champ, messages)
                else:
                    self.erreurs_generales.extend(messages)
        else:
            self.erreurs_generales.extend(cause.messages)


# ---------------------------------------------------------------------------------------
# Fiche dossier : pièces, débiteur
# ---------------------------------------------------------------------------------------


class PieceForm(FormulaireAccessible):
    type_piece = forms.ChoiceField(label="Type de pièce", choices=Piece.Type.choices)
    fichier = forms.FileField(
        label="Fichier",
        help_text="PDF ou image (JPEG, PNG, TIFF), 10 Mo au plus.",
        error_messages={"required": "Choisissez un fichier.", "empty": "Le fichier est vide."},
        widget=forms.ClearableFileInput(
            attrs={"accept": "application/pdf,image/jpeg,image/png,image/tiff"}
        ),
    )

    def ajouter_erreur(self, erreur: ValidationError) -> None:
        if hasattr(erreur, "error_dict"):
            for champ, messages in erreur.message_dict.items():
                self.add_error(champ if champ in self.fields else None, messages)
        else:
            self.add_error(None, erreur.messages)


class DebiteurModifierForm(ModeleAccessible):
    revenus_mensuels_nets = MontantField(
        label="Revenus mensuels nets", required=False, min_value=Decimal("0")
    )

    class Meta:
        model = Debiteur
        fields = [
            *[c for c in CHAMPS_PERSONNE if c != "type_personne"],
            "email",
            "nom_naissance",
            "date_naissance",
            "lieu_naissance",
            "nationalite",
            "profession",
            "employeur_nom",
            "employeur_adresse",
            "revenus_mensuels_nets",
            "personnes_a_charge",
            "vulnerable",
            "surendettement_statut",
            "surendettement_depot",
            "surendettement_decision",
        ]
        widgets = {
            "date_naissance": DateInput,
            "surendettement_depot": DateInput,
            "surendettement_decision": DateInput,
        }

    def modifications(self) -> dict:
        """Seuls les champs changés partent au service (et au journal)."""
        return {champ: self.cleaned_data.get(champ) for champ in self.changed_data}

    def ajouter_erreur(self, erreur: ValidationError) -> None:
        if hasattr(erreur, "error_dict"):
            for champ, messages in erreur.message_dict.items():
                self.add_error(champ if champ in self.fields else None, messages)
        else:
            self.add_error(None, erreur.messages)


class CreancierModifierForm(DebiteurModifierForm):
    """Identité, adresse et courriel d'un créancier existant (CPC 648 2°). Ni la nature de la
    personne, ni le taux d'intérêt légal qu'elle détermine, ni l'IBAN de reversement ne se
    changent ici."""

    revenus_mensuels_nets = None

    class Meta:
        model = Creancier
        fields = [
            *[c for c in CHAMPS_PERSONNE if c != "type_personne"],
            "email",
            "date_naissance",
            "lieu_naissance",
            "nationalite",
            "profession",
        ]
        widgets = {"date_naissance": DateInput}


def recherche_parties(qs, terme: str, *, limite: int = 10):
    """Parties (créanciers ou débiteurs) de l'étude dont le nom ou la ville répond au terme."""
    terme = (terme or "").strip()
    if len(terme) < 2:
        return []
    filtre = Q()
    for mot in terme.split():
        filtre &= (
            Q(nom__icontains=mot)
            | Q(prenoms__icontains=mot)
            | Q(raison_sociale__icontains=mot)
            | Q(ville__icontains=mot)
            | Q(code_postal__startswith=mot)
        )
    return list(qs.filter(filtre).order_by("nom", "raison_sociale", "id")[:limite])


class _CoordonneeForm(FormulaireAccessible):
    """Consentement et opposition d'une coordonnée du débiteur, réglés depuis la fiche du
    dossier (`relances.services.coordonnees`) : motif court et source obligatoires ; lever
    une opposition demande une case de confirmation (contrôlée par le service, sous verrou)."""

    motif = forms.CharField(
        label="Motif",
        max_length=MOTIF_LONGUEUR_MAX,
        help_text="Court et daté : « opposition reçue par lettre du 12/11 », « réabonnement "
        "demandé par le débiteur au téléphone ».",
        error_messages={
            "required": "Indiquez le motif du changement.",
            "max_length": (
                f"Le motif tient en {MOTIF_LONGUEUR_MAX} caractères au plus "
                "(%(show_value)d saisis)."
            ),
        },
    )
    source = forms.ChoiceField(
        label="Source",
        error_messages={
            "required": "Indiquez d'où vient la demande.",
            "invalid_choice": "Choisissez une source dans la liste.",
        },
    )
    confirmer_levee = forms.BooleanField(
        label="Je confirme lever l'opposition",
        required=False,
        help_text="Seulement pour lever une opposition : l'étude pourra de nouveau écrire.",
    )

    def __init__(self, *args, coordonnee, **kwargs):
        initial = {champ: getattr(coordonnee, champ) for champ in self.champs_canaux}
        super().__init__(*args, initial=initial, **kwargs)
        self.coordonnee = coordonnee
        self.fields["source"].choices = [("", "—"), *SourceCoordonnee.choices]
        if not coordonnee.opposition:
            del self.fields["confirmer_levee"]

    def ajouter_erreur(self, message: str) -> None:
        self.add_error(None, message)


class CourrielReglerForm(_CoordonneeForm):
    champs_canaux = ("consentement", "opposition")
    consentement = forms.BooleanField(label="Accepte les courriels", required=False)
    opposition = forms.BooleanField(label="Opposition (plus aucun courriel)", required=False)
    field_order = ["consentement", "opposition", "motif", "source", "confirmer_levee"]


class TelephoneReglerForm(_CoordonneeForm):
    champs_canaux = ("consentement_sms", "consentement_appel", "opposition")
    consentement_sms = forms.BooleanField(label="Accepte les SMS", required=False)
    consentement_appel = forms.BooleanField(label="Accepte les appels", required=False)
    opposition = forms.BooleanField(label="Opposition à tout contact", required=False)
    field_order = [
        "consentement_sms",
        "consentement_appel",
        "opposition",
        "motif",
        "source",
        "confirmer_levee",
    ]

    def __init__(self, *args, coordonnee, **kwargs):
        super().__init__(*args, coordonnee=coordonnee, **kwargs)
        if not coordonnee.mobile:
            # Un fixe ne reçoit pas de SMS : le champ n'est ni montré ni écrit.
            del self.fields["consentement_sms"]
