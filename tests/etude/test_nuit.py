"""La commande `nuit` (CONTRAT.md) : toutes les parties, idempotente, résumé imprimé."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from comptabilite.models import Ecriture
from etude import nuit
from etude.models import Evenement
from tests.factories import creer_dossier


def _compter():
    return Ecriture.objects.count(), Evenement.objects.count()


def test_la_nuit_porte_les_interets_puis_ne_change_rien_la_seconde_fois(clerc):
    creer_dossier(acteur=clerc)
    sortie = StringIO()
    # Le titre des fabriques est du 14/03/2025 : les taux de 2025 et du 1er semestre 2026
    # sont dans les données de référence ; le 31/03/2026 est donc calculable.
    call_command("nuit", "--date", "2026-03-31", stdout=sortie)
    apres_premiere = _compter()
    assert Ecriture.objects.filter(nature="interets").exists()
    assert "Nuit du 2026-03-31" in sortie.getvalue()
    assert "mémoire maximale" in sortie.getvalue()

    call_command("nuit", "--date", "2026-03-31", stdout=StringIO())
    assert _compter() == apres_premiere


def test_une_partie_en_echec_n_empeche_pas_les_suivantes(db, monkeypatch):
    appels = []

    def en_panne(le):
        raise RuntimeError("panne simulée")

    def temoin(le):
        appels.append(le)
        return {"vu": 1}

    monkeypatch.setattr(
        nuit,
        "PARTIES",
        [nuit.Partie("a", "A", en_panne), nuit.Partie("b", "B", temoin)],
    )
    resume = nuit.executer_nuit(date(2026, 3, 31))
    assert appels == [date(2026, 3, 31)]
    assert "panne simulée" in resume["echecs"]["a"]
    assert resume["parties"]["b"]["resultat"] == {"vu": 1}


def test_la_commande_echoue_quand_une_partie_echoue(db, monkeypatch):
    def en_panne(le):
        raise RuntimeError("panne simulée")

    monkeypatch.setattr(nuit, "PARTIES", [nuit.Partie("interets", "A", en_panne)])
    with pytest.raises(CommandError, match="interets"):
        call_command("nuit", "--date", "2026-03-31", stdout=StringIO())


def test_date_mal_formee_refusee_en_francais(db):
    with pytest.raises(CommandError, match="AAAA-MM-JJ"):
        call_command("nuit", "--date", "31/03/2026", stdout=StringIO())
