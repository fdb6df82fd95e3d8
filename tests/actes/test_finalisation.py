"""Finalisation (numéro au répertoire, PDF/A, SHA-256, coût au grand livre, immuabilité)
et signification (CPC 653 à 664-1) des actes."""

from __future__ import annotations

import hashlib
import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.db import DatabaseError, IntegrityError, transaction
from pypdf import PdfReader

from actes import services
from actes.demo import moment
from actes.models import Acte, Signification
from comptabilite.models import Ecriture, EmolumentFixe
from etude.errors import RegleMetier
from etude.models import Evenement
from procedures.models import Delai, SaisieAttribution

pytestmark = pytest.mark.django_db


def texte_pdf(pdf: bytes) -> str:
    texte = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(bytes(pdf))).pages)
    texte = texte.replace("\u202f", " ").replace("\u00a0", " ")
    return re.sub(r"\s+", " ", texte)


def _lisible(montant: str) -> str:
    return montant.replace("\u202f", " ")


def test_finaliser_numerote_rend_le_pdf_garde_l_empreinte_et_poste_le_cout(mener_acte):
    issue = mener_acte("commandement_saisie_vente", signifier=False)
    acte = issue.acte
    assert issue.etape == "finalisé", issue.message
    assert acte.numero == 1
    assert bytes(acte.pdf).startswith(b"%PDF-")
    assert acte.sha256 == hashlib.sha256(bytes(acte.pdf)).hexdigest()
    # C. com. A444-14 n° 42 : 20,42 € HT (du 01/03/2024 au 28/02/2026) ; obligation de
    # plus de 1 280 € : coefficient 2 (A444-46 3°) -> 40,84 € ; TVA 20 % : 8,17 €.
    ecritures = Ecriture.objects.filter(dossier=acte.dossier, cause="acte", cause_id=str(acte.pk))
    assert sorted((e.nature, e.montant) for e in ecritures) == [
        ("emolument", Decimal("40.84")),
        ("tva", Decimal("8.17")),
    ]
    assert Evenement.objects.filter(action="acte_finaliser", objet_id=str(acte.pk)).exists()


def test_le_pdf_porte_les_chiffres_du_decompte_et_les_dates_calculees(mener_acte, tarif_complet):
    acte = mener_acte("denonciation_saisie_attribution", signifier=False).acte
    assert acte.est_finalise
    texte = texte_pdf(acte.pdf)
    d = acte.donnees["decompte"]
    for montant in (d["principal"], d["frais"], d["interets"], d["total"]):
        assert _lisible(montant) in texte
    assert "4 250,00 €" in texte and "800,00 €" in texte
    # R211-11 : un mois depuis la dénonciation du 20/01/2026 -> 20/02/2026.
    assert "20/02/2026" in texte
    assert f"Acte n° {acte.numero} au répertoire" in texte
    assert "Acte DSA" in texte  # pied de page (actes.rendu)


def test_le_pdf_du_commandement_de_quitter_les_lieux_donne_la_date_de_liberation(
    mener_acte, tarif_complet
):
    acte = mener_acte("commandement_quitter_lieux", signifier=False).acte
    # L412-1 : deux mois depuis le 15/01/2026 -> 15/03/2026, dimanche -> lundi 16/03/2026 ;
    # les locaux sont à libérer à partir du lendemain, 17/03/2026.
    assert "17/03/2026" in texte_pdf(acte.pdf)


def test_numerotation_continue_et_sans_trou(mener_acte, tarif_complet):
    premier = mener_acte("commandement_saisie_vente", signifier=False).acte
    rate = mener_acte("pv_saisie_vente", finaliser=False).acte
    services.acte_modifier(acteur=rate.redige_par, acte=rate, parties_libres={"inventaire": ""})
    with pytest.raises(RegleMetier, match="SV-P2"):
        services.acte_finaliser(acteur=rate.redige_par, acte=rate)
    second = mener_acte("saisie_attribution", signifier=False).acte
    assert (premier.numero, second.numero) == (1, 2)
    assert Acte.objects.get(pk=rate.pk).numero is None


def test_un_acte_avec_un_chiffre_a_verifier_ne_se_finalise_pas(mener_acte):
    EmolumentFixe.objects.filter(code="42", periode__debut=date(2024, 3, 1)).update(
        confirme=False, confiance="1S"
    )
    issue = mener_acte("commandement_saisie_vente")
    assert issue.etape == "brouillon"
    assert "Chiffre à vérifier : Émolument n° 42" in issue.message


def test_un_emolument_absent_empeche_la_finalisation_et_dit_quoi_saisir(mener_acte):
    issue = mener_acte("saisie_attribution")
    assert issue.etape == "brouillon"
    assert "Donnée de référence manquante" in issue.message
    assert "pv-saisie-attribution" in issue.message


def test_un_texte_absent_empeche_la_redaction(mener_acte):
    issue = mener_acte("lettre_petites_creances")
    assert issue.acte is None
    assert "CPCE L111-3" in issue.message and "in extenso" in issue.message


def test_un_acte_finalise_ne_change_plus(mener_acte):
    acte = mener_acte("commandement_saisie_vente", signifier=False).acte
    with pytest.raises(RegleMetier, match="finalisé"):
        services.acte_modifier(acteur=acte.redige_par, acte=acte, parties_libres={})
    with pytest.raises(DatabaseError, match="finalisé"), transaction.atomic():
        Acte.objects.filter(pk=acte.pk).update(sha256="0" * 64)
    with pytest.raises(DatabaseError, match="finalisé"), transaction.atomic():
        Acte.objects.filter(pk=acte.pk).delete()
    correction = services.acte_corriger(
        acteur=acte.redige_par, acte=acte, date_acte=date(2026, 1, 14)
    )
    assert correction.corrige_id == acte.pk and not correction.est_finalise


def test_seules_les_parties_libres_s_editent(mener_acte, tarif_complet):
    acte = mener_acte("pv_saisie_vente", finaliser=False).acte
    with pytest.raises(RegleMetier, match="parties libres"):
        services.acte_modifier(
            acteur=acte.redige_par, acte=acte, parties_libres={"decompte": "0 €"}
        )


def test_une_partie_libre_hostile_reste_du_texte(mener_acte, tarif_complet):
    acte = mener_acte("pv_saisie_vente", finaliser=False).acte
    hostile = '<img src="file:///etc/passwd"><script>alert(1)</script>'
    acte = services.acte_modifier(
        acteur=acte.redige_par, acte=acte, parties_libres={"inventaire": hostile}
    )
    html = services.texte_acte(acte)
    assert "<img" not in html and "&lt;img src=&quot;file:///etc/passwd&quot;&gt;" in html


# --- Signification ---------------------------------------------------------------------------


def test_la_signification_fait_avancer_la_procedure_et_ouvre_ses_delais(mener_acte, tarif_complet):
    issue = mener_acte("saisie_attribution")
    assert issue.etape == "signifié", issue.message
    procedure = SaisieAttribution.objects.get(pk=issue.acte.procedure_id)
    assert procedure.etat == "saisie_signifiee"
    # R211-3 : dénonciation dans les huit jours de la saisie du 14/01/2026 -> 22/01/2026.
    delai = Delai.objects.get(procedure=procedure, code="sa_denonciation")
    assert delai.echeance == date(2026, 1, 22)
    signification = Signification.objects.get(acte=issue.acte)
    assert signification.mode == "a_personne"
    assert Evenement.objects.filter(action="acte_signifier").exists()


def test_signifier_un_acte_dont_l_etape_attend_l_approbation_garde_la_demande(
    mener_acte, tarif_complet, clerc
):
    """Dossier complexe, règle de l'étude sur la signification de la saisie-attribution : la
    signification de l'acte est refusée, rien de l'acte n'est écrit, mais la demande
    d'approbation reste (le message dit qu'elle est transmise) ; une fois approuvée, la même
    signification passe."""
    from dossiers.models import Dossier
    from procedures.models import Approbation
    from procedures.services import ApprobationRequise, approbation_decider
    from tests.factories import creer_regle_approbation

    acte = mener_acte("saisie_attribution", signifier=False).acte
    Dossier.objects.filter(pk=acte.dossier_id).update(complexe=True)
    creer_regle_approbation(
        etude=acte.etude, type_procedure="saisie_attribution", transition="signifier"
    )
    signification = {"mode": "a_personne", "le": moment(date(2026, 1, 14), 10, 30)}
    with pytest.raises(ApprobationRequise, match="transmise"):
        services.acte_signifier(acteur=clerc, acte=acte, **signification)
    demande = Approbation.objects.get(procedure_id=acte.procedure_id)
    assert (demande.transition, demande.decision, demande.demandee_par) == ("signifier", "", clerc)
    assert not Signification.objects.filter(acte=acte).exists()
    assert SaisieAttribution.objects.get(pk=acte.procedure_id).etat == "ouverte"
    # Une seconde tentative ne double pas la demande en attente.
    with pytest.raises(ApprobationRequise):
        services.acte_signifier(acteur=clerc, acte=acte, **signification)
    assert Approbation.objects.filter(procedure_id=acte.procedure_id).count() == 1

    approbation_decider(
        acteur=acte.redige_par, approbation=demande, approuvee=True, commentaire="OK"
    )
    services.acte_signifier(acteur=clerc, acte=acte, **signification)
    assert SaisieAttribution.objects.get(pk=acte.procedure_id).etat == "saisie_signifiee"


@pytest.mark.parametrize(
    "jour, heure, minute, motif",
    [
        (date(2026, 1, 18), 10, 0, "dimanche"),  # dimanche
        (date(2026, 1, 1), 10, 0, "férié"),  # jour de l'an
        (date(2026, 1, 13), 21, 30, "vingt et une heures"),
        (date(2026, 1, 13), 5, 45, "six heures"),
    ],
)
def test_cpc_664_refuse_la_signification_hors_des_heures_et_jours(
    mener_acte, jour, heure, minute, motif
):
    acte = mener_acte("commandement_saisie_vente", signifier=False).acte
    with pytest.raises(RegleMetier, match=f"CPC 664.*{motif}"):
        services.acte_signifier(
            acteur=acte.redige_par, acte=acte, mode="a_personne", le=moment(jour, heure, minute)
        )
    assert not Signification.objects.filter(acte=acte).exists()


def test_signifier_un_autre_jour_que_la_date_de_l_acte_est_refuse(mener_acte):
    acte = mener_acte("commandement_saisie_vente", signifier=False).acte
    with pytest.raises(RegleMetier, match="nouvel acte"):
        services.acte_signifier(
            acteur=acte.redige_par, acte=acte, mode="a_personne", le=moment(date(2026, 1, 14))
        )


def test_a_domicile_il_faut_la_personne_qui_a_recu_la_copie(mener_acte):
    acte = mener_acte("commandement_saisie_vente", signifier=False).acte
    with pytest.raises(RegleMetier, match="CPC 655"):
        services.acte_signifier(
            acteur=acte.redige_par,
            acte=acte,
            mode="a_domicile",
            le=moment(date(2026, 1, 13)),
            diligences="Absent.",
            lettre_simple_le=date(2026, 1, 13),
        )


def test_pv_de_recherches_lettre_recommandee_tardive_refusee(mener_acte, tarif_complet):
    acte = mener_acte("pv_recherches", signifier=False).acte
    with pytest.raises(RegleMetier, match="CPC 659 al. 2"):
        services.acte_signifier(
            acteur=acte.redige_par,
            acte=acte,
            mode="pv_recherches",
            le=moment(date(2026, 1, 15), 15),
            diligences="Recherches vaines.",
            lettre_simple_le=date(2026, 1, 15),
            lettre_recommandee_le=date(2026, 1, 19),
        )


def test_une_signification_ne_se_modifie_pas(mener_acte):
    issue = mener_acte("commandement_saisie_vente")
    assert issue.etape == "signifié", issue.message
    with pytest.raises(DatabaseError), transaction.atomic():
        Signification.objects.filter(acte=issue.acte).update(remis_a="autre")
    with pytest.raises((RegleMetier, IntegrityError)):
        services.acte_signifier(
            acteur=issue.acte.redige_par,
            acte=issue.acte,
            mode="a_personne",
            le=moment(date(2026, 1, 13), 11),
        )
