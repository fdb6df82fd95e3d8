"""Interventions d'autres créanciers dans un vrai navigateur (Chromium de Debian,
Playwright), vues par le clerc sur la page de la procédure : opposition en saisie-vente
(L221-1 al. 2, R221-42) jusqu'à la répartition du prix de la vente amiable (L221-6), et
intervention en saisie des rémunérations (L212-2 al. 3, R212-1-17) jusqu'à la répartition
des sommes versées (R212-1-23). Les étapes de la saisie elle-même sont faites par les
services (leur parcours est dans test_parcours_procedures.py) ; les dates sont de 2026,
passées. La créance du premier saisissant est lue au décompte : titres sans intérêts, 2 200 €
de principal et 800 € de frais, soit 3 000 €. Captures dans
docs/captures/procedures-interventions-*.png."""

from datetime import date
from decimal import Decimal

import pytest

from tests.navigateur.conftest import CAPTURES
from tests.navigateur.test_parcours_procedures import _connecter, message

D = Decimal


@pytest.fixture
def etude_du_parcours(transactional_db):
    from etude.roles import synchroniser_roles
    from tests.factories import (
        creer_creancier,
        creer_etude,
        creer_procedure,
        creer_titre_comptable,
        creer_utilisateur,
    )

    synchroniser_roles()
    etude = creer_etude(nom="Étude Martin & Associés")
    clerc = creer_utilisateur(
        etude=etude, role="clerc", username="camille", first_name="Camille", last_name="Roux"
    )
    creer_creancier(etude=etude, raison_sociale="Crédit du Rhône")

    def procedure(type_):
        dossier = creer_titre_comptable(acteur=clerc, montant=D("2200.00"), type_interets="aucun")
        return creer_procedure(acteur=clerc, type=type_, dossier=dossier)

    return clerc, procedure


def capture(page, nom: str) -> None:
    CAPTURES.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(CAPTURES / f"procedures-interventions-{nom}.png"), full_page=True)


def _ouvrir(page, texte):
    bloc = page.locator("#interventions details").filter(has_text=texte)
    if bloc.get_attribute("open") is None:
        bloc.locator("summary").click()
    return bloc


def _former(page, pk, *, montant, jour, heure, commandement=None):
    bloc = _ouvrir(
        page, "Enregistrer une opposition" if commandement is None else "Enregistrer une"
    )
    from dossiers.models import Creancier

    autre = Creancier.objects.get(raison_sociale="Crédit du Rhône")
    page.locator(f"#id_i{pk}-creancier").select_option(value=str(autre.pk))
    page.locator(f"#id_i{pk}-titre").fill("Jugement du tribunal judiciaire de Lyon du 3/11/2025")
    page.locator(f"#id_i{pk}-montant").fill(montant)
    page.locator(f"#id_i{pk}-acte_le_0").fill(jour)
    page.locator(f"#id_i{pk}-acte_le_1").fill(heure)
    if commandement is not None:
        page.locator(f"#id_i{pk}-commandement_le").fill(commandement)
    return bloc


def _repartir(page, pk, *, le, montant):
    bloc = _ouvrir(page, "Répartir des sommes")
    page.locator(f"#id_r{pk}-le").fill(le)
    page.locator(f"#id_r{pk}-montant").fill(montant)
    bloc.get_by_role("button", name="Répartir").click()
    page.wait_for_load_state()


def test_opposition_en_saisie_vente_jusqu_a_la_repartition(
    live_server, navigateur, etude_du_parcours
):
    from procedures import services
    from procedures.models import Intervention, Repartition
    from tests.procedures.outils import paris

    clerc, nouvelle = etude_du_parcours
    vente = nouvelle("saisie_vente")
    services.saisie_vente_signifier_commandement(
        acteur=clerc, procedure=vente, le=paris(2026, 3, 2)
    )
    services.saisie_vente_dresser_pv_saisie(
        acteur=clerc, procedure=vente, le=paris(2026, 3, 11), debiteur_present=True
    )
    refus_csp = []
    contexte, page = _connecter(navigateur, live_server, "camille", refus_csp)
    page.goto(f"{live_server.url}/procedures/{vente.pk}/#interventions")
    section = page.locator("#interventions")
    assert section.get_by_text("Oppositions d'autres créanciers").is_visible()
    assert section.get_by_text("Aucune.").first.is_visible()
    # 1. L'opposition : un dimanche, refusée avec l'article (CPC 664), saisie gardée.
    bloc = _former(page, vente.pk, montant="1 500,00", jour="2026-03-15", heure="10:00")
    capture(page, "01-opposition-saisie")
    bloc.get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state()
    assert page.get_by_text("CPC 664", exact=False).first.is_visible()
    assert page.locator(f"#id_i{vente.pk}-montant").input_value() == "1 500,00"
    capture(page, "02-opposition-refusee-dimanche")
    page.locator(f"#id_i{vente.pk}-acte_le_0").fill("2026-03-16")
    bloc.get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state()
    assert message(page, "Intervention enregistrée.").is_visible()
    opposition = Intervention.objects.get(procedure_id=vente.pk)
    ligne = page.locator(f"#intervention-{opposition.pk}")
    assert ligne.get_by_text("1\u202f500,00\u00a0EUR").is_visible()
    # 2. Signification au débiteur (R221-42), dans la ligne de l'opposition.
    page.locator(f"#iv{opposition.pk}-le_0").fill("2026-03-16")
    page.locator(f"[name=iv{opposition.pk}-le_1]").fill("15:00")
    ligne.get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state()
    assert message(page, "Dénonciation enregistrée.").is_visible()
    ligne = page.locator(f"#intervention-{opposition.pk}")
    assert ligne.get_by_text("16/03/2026 15:00").is_visible()
    capture(page, "03-opposition-signifiee")
    # 3. Avant la vente, pas de répartition (L221-6) ; après la vente amiable, 900 € pour
    # 3 000 € (décompte) et 1 500 € : 900 × 3 000 / 4 500 = 600 € et 300 €.
    _repartir(page, vente.pk, le="2026-04-01", montant="900,00")
    assert page.get_by_text("L221-6", exact=False).first.is_visible()
    assert not Repartition.objects.exists()
    services.saisie_vente_realiser_vente_amiable(
        acteur=clerc, procedure=vente, le=date(2026, 4, 8)
    )
    page.goto(f"{live_server.url}/procedures/{vente.pk}/#interventions")
    assert page.get_by_text("au décompte du jour : 3\u202f000,00\u00a0EUR").is_visible()
    _repartir(page, vente.pk, le="2026-04-10", montant="900,00")
    assert message(page, "Répartition enregistrée.").is_visible()
    section = page.locator("#interventions")
    assert section.get_by_text("600,00\u00a0EUR sur 3\u202f000,00\u00a0EUR").is_visible()
    assert section.get_by_text("300,00\u00a0EUR sur 1\u202f500,00\u00a0EUR").is_visible()
    # Sa part déduite : 3 000 - 600 = 2 400 € restent au premier saisissant.
    assert page.get_by_text("au décompte du jour : 2\u202f400,00\u00a0EUR").is_visible()
    capture(page, "04-repartition-du-prix")
    assert not refus_csp, f"La CSP a bloqué : {refus_csp}"
    contexte.close()


def test_intervention_en_saisie_des_remunerations_jusqu_a_la_repartition(
    live_server, navigateur, etude_du_parcours
):
    from procedures import services
    from procedures.models import Delai, Intervention
    from tests.procedures.outils import paris

    clerc, nouvelle = etude_du_parcours
    saisie = nouvelle("saisie_remunerations")
    services.saisie_remunerations_signifier_commandement(
        acteur=clerc, procedure=saisie, le=paris(2026, 1, 5)
    )
    services.saisie_remunerations_inscrire_commandement(
        acteur=clerc, procedure=saisie, le=date(2026, 1, 5)
    )
    services.saisie_remunerations_designer_repartiteur(
        acteur=clerc, procedure=saisie, le=date(2026, 1, 20), repartiteur="Me Répartiteur"
    )
    services.saisie_remunerations_signifier_pv_saisie(
        acteur=clerc, procedure=saisie, le=paris(2026, 2, 6), employeur="ACME"
    )
    services.saisie_remunerations_denoncer(acteur=clerc, procedure=saisie, le=paris(2026, 2, 13))
    services.saisie_remunerations_enregistrer_declaration_employeur(
        acteur=clerc, procedure=saisie, le=date(2026, 2, 18)
    )
    services.saisie_remunerations_enregistrer_versement(
        acteur=clerc, procedure=saisie, le=date(2026, 3, 5), montant=D("412.50")
    )
    refus_csp = []
    contexte, page = _connecter(navigateur, live_server, "camille", refus_csp)
    page.goto(f"{live_server.url}/procedures/{saisie.pk}/#interventions")
    assert page.get_by_text("Interventions d'autres créanciers").is_visible()
    # 1. Commandement de l'intervenant le 20 janvier : + 1 mois = 20 février ; une
    # intervention le 20 est refusée (L212-2 al. 3), le 23 admise.
    bloc = _former(
        page, saisie.pk, montant="1 150,00", jour="2026-02-20", heure="10:00",
        commandement="2026-01-20",
    )  # fmt: skip
    bloc.get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state()
    assert page.get_by_text("L212-2", exact=False).first.is_visible()
    capture(page, "05-intervention-refusee-un-mois")
    page.locator(f"#id_i{saisie.pk}-acte_le_0").fill("2026-02-23")
    page.locator("#interventions details").filter(has_text="Enregistrer une").get_by_role(
        "button", name="Enregistrer"
    ).click()
    page.wait_for_load_state()
    assert message(page, "Intervention enregistrée.").is_visible()
    intervention = Intervention.objects.get(procedure_id=saisie.pk)
    # R212-1-17 : dénonciation dans les huit jours (23 février + 8 = 3 mars), au tableau.
    delai = Delai.objects.get(intervention=intervention)
    assert delai.echeance == date(2026, 3, 3)
    assert page.get_by_text(
        "Dénoncer l'intervention au débiteur (Crédit du Rhône (SA))"
    ).first.is_visible()
    capture(page, "06-intervention-enregistree")
    # 2. Dénonciation hors délai refusée, puis dans les huit jours ; inscription au registre.
    ligne = page.locator(f"#intervention-{intervention.pk}")
    page.locator(f"#iv{intervention.pk}-le_0").fill("2026-03-04")
    page.locator(f"[name=iv{intervention.pk}-le_1]").fill("10:00")
    ligne.locator("form").first.get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state()
    assert message(page, "R212-1-17").is_visible()
    ligne = page.locator(f"#intervention-{intervention.pk}")
    page.locator(f"#iv{intervention.pk}-le_0").fill("2026-02-25")
    page.locator(f"[name=iv{intervention.pk}-le_1]").fill("10:00")
    ligne.locator("form").first.get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state()
    assert message(page, "Dénonciation enregistrée.").is_visible()
    ligne = page.locator(f"#intervention-{intervention.pk}")
    page.locator(f"#iv{intervention.pk}-le").fill("2026-02-25")
    ligne.get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state()
    assert message(page, "Inscription enregistrée.").is_visible()
    delai.refresh_from_db()
    assert delai.statut == "respecte"
    capture(page, "07-intervention-inscrite")
    # 3. Répartition des 412,50 € versés : 3 000 € (décompte) et 1 150 € (4 150 €) :
    # 412,50 × 3 000 / 4 150 = 298,1927… -> 298,19 ; 412,50 × 1 150 / 4 150 = 114,3072…
    # -> 114,30 ; le centime restant au plus fort reste (0,0072 contre 0,0027) : 114,31.
    _repartir(page, saisie.pk, le="2026-03-06", montant="412,50")
    assert message(page, "Répartition enregistrée.").is_visible()
    section = page.locator("#interventions")
    assert section.get_by_text("298,19\u00a0EUR sur 3\u202f000,00\u00a0EUR").is_visible()
    assert section.get_by_text("114,31\u00a0EUR sur 1\u202f150,00\u00a0EUR").is_visible()
    assert section.get_by_text("restant à répartir : 0,00\u00a0EUR").is_visible()
    capture(page, "08-repartition-des-versements")
    # Le tableau des délais du clerc : prochaine répartition au plus tard six semaines après
    # (plusieurs créanciers, R212-1-23) : 6 mars + 42 jours = 17 avril 2026.
    page.goto(f"{live_server.url}/delais/")
    assert page.get_by_text("17/04/2026").first.is_visible()
    assert page.get_by_text("Prochaine répartition des sommes versées").first.is_visible()
    capture(page, "09-tableau-delais")
    assert not refus_csp, f"La CSP a bloqué : {refus_csp}"
    contexte.close()
