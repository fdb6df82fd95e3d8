"""L'interface est en français quel que soit le navigateur : un navigateur réglé en anglais
(Accept-Language: en) ne doit pas recevoir « This field is required. » ni « Thursday »."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

pytestmark = pytest.mark.django_db

ANGLAIS = {"Accept-Language": "en-US,en;q=0.9"}


def test_formulaire_en_francais_pour_un_navigateur_anglais(client, principal_clerc):
    client.force_login(principal_clerc)
    reponse = client.post(reverse("relances_scenario_nouveau"), {"nom": ""}, headers=ANGLAIS)
    assert reponse.status_code == 400
    contenu = reponse.content.decode()
    assert "Ce champ est obligatoire." in contenu
    assert "This field is required." not in contenu
    assert reponse.get("Content-Language", "fr").startswith("fr")


def test_jours_de_la_semaine_en_francais_pour_un_navigateur_anglais(client, clerc):
    client.force_login(clerc)
    # Lundi 5 janvier 2026 : « reçus depuis le vendredi 02/01 » (dernier jour ouvré).
    with time_machine.travel(datetime(2026, 1, 5, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))):
        contenu = client.get(reverse("bureau"), headers=ANGLAIS).content.decode()
    assert "depuis le vendredi 02/01" in contenu
    assert "Friday" not in contenu
