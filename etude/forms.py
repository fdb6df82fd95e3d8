"""Formulaires de l'étude : connexion, second facteur, et la base accessible des formulaires."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.forms.boundfield import BoundField


class ChampAccessible(BoundField):
    """Relie le champ à son aide et à ses erreurs par aria-describedby (RGAA 11.10).

    Les identifiants `<id>_aide` et `<id>_erreurs` sont ceux que pose `templates/champ.html`.
    """

    @property
    def aria_describedby(self):
        if not self.auto_id:
            return None
        ids = []
        if self.help_text:
            ids.append(f"{self.auto_id}_aide")
        if self.errors:
            ids.append(f"{self.auto_id}_erreurs")
        return " ".join(ids) or None


class FormulaireAccessible(forms.Form):
    bound_field_class = ChampAccessible


class ModeleAccessible(forms.ModelForm):
    bound_field_class = ChampAccessible


class ConnexionForm(AuthenticationForm):
    """Connexion par identifiant et mot de passe, via `authenticate` : django-axes compte les
    échecs (AXES_FAILURE_LIMIT) et bloque le couple identifiant + adresse IP."""

    bound_field_class = ChampAccessible

    error_messages = {
        "invalid_login": (
            "Identifiant ou mot de passe incorrect. Attention aux majuscules : les deux "
            "champs les distinguent."
        ),
        "inactive": "Ce compte est désactivé. Adressez-vous au responsable de l'étude.",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = "Identifiant"
        self.fields["password"].label = "Mot de passe"
        self.fields["username"].error_messages["required"] = "Indiquez votre identifiant."
        self.fields["password"].error_messages["required"] = "Indiquez votre mot de passe."


class JetonForm(FormulaireAccessible):
    """Code à 6 chiffres d'une application d'authentification (TOTP, RFC 6238)."""

    jeton = forms.CharField(
        label="Code à 6 chiffres",
        min_length=6,
        max_length=8,
        help_text="Le code affiché par votre application d'authentification.",
        error_messages={
            "required": "Indiquez le code affiché par votre application.",
            "min_length": "Le code comporte 6 chiffres.",
            "max_length": "Le code comporte 6 chiffres.",
        },
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9 ]*",
                "autofocus": True,
            }
        ),
    )

    def clean_jeton(self):
        jeton = "".join(self.cleaned_data["jeton"].split())
        if not jeton.isdigit():
            raise forms.ValidationError("Le code ne contient que des chiffres.")
        return jeton
