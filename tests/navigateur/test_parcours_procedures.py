"""Parcours d'une saisie-attribution dans un vrai navigateur (Chromium de Debian,
Playwright) : sur un dossier complexe, le clerc commence la procédure depuis la fiche, la
signification (avec l'heure) attend l'approbation du principal clerc, qui l'approuve dans sa
file ; le clerc voit la décision, signifie, dénonce, délivre le certificat de
non-contestation et constate le paiement. Les dates sont de mars et avril 2026, passées :
les délais ont couru. Captures d'écran dans docs/captures/procedures-*.png."""

from datetime import date
from decimal import Decimal

import pytest

from tests.navigateur.conftest import CAPTURES


@pytest.fixture
def etude_du_parcours(transactional_db):
    from dossiers.models import CompteBancaire
    from etude.roles import synchroniser_roles
    from tests.factories import (
        creer_debiteur,
        creer_dossier,
        creer_etude,
        creer_regle_approbation,
        creer_utilisateur,
    )

    synchroniser_roles()
    etude = creer_etude(nom="Étude Martin & Associés")
    clerc = creer_utilisateur(
        etude=etude, role="clerc", username="camille", first_name="Camille", last_name="Roux"
    )
    creer_utilisateur(
        etude=etude,
        role="principal_clerc",
        username="paul",
        first_name="Paul",
        last_name="Garnier",
    )
    debiteur = creer_debiteur(
        etude=etude,
        nom="Lefèvre",
        prenoms="Éloïse",
        employeur_nom="Transports Rhône",
        revenus_mensuels_nets=Decimal("1800.00"),
    )
    CompteBancaire.objects.create(
        debiteur=debiteur,
        iban="FR7630006000011234567890189",
        banque="Banque Populaire",
        solde_connu=Decimal("1820.40"),
        solde_connu_le=date(2026, 2, 20),
    )
    dossier = creer_dossier(acteur=clerc, debiteurs=[debiteur], complexe=True)
    creer_regle_approbation(
        etude=etude, type_procedure="saisie_attribution", transition="signifier"
    )
    return dossier


def capture(page, nom: str) -> None:
    CAPTURES.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(CAPTURES / f"procedures-{nom}.png"), full_page=True)


def _connecter(navigateur, live_server, identifiant, refus_csp):
    from tests.factories import MOT_DE_PASSE

    contexte = navigateur.new_context(
        locale="fr-FR", timezone_id="Europe/Paris", viewport={"width": 1280, "height": 900}
    )
    page = contexte.new_page()
    page.set_default_timeout(15_000)
    page.on(
        "console",
        lambda message: (
            refus_csp.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.goto(f"{live_server.url}/")
    page.get_by_label("Identifiant").fill(identifiant)
    page.get_by_label("Mot de passe").fill(MOT_DE_PASSE)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/bureau/")
    return contexte, page


def message(page, texte):
    return page.locator(".messages").get_by_text(texte, exact=False)


def _etape(page, pk, transition):
    """Ouvre le formulaire replié d'une étape (une étape refusée revient déjà dépliée) et rend
    une fonction qui remplit ses champs."""
    bloc = page.locator(f"#etape-{pk}-{transition}")
    if bloc.get_attribute("open") is None:
        bloc.locator("summary").click()

    def champ(nom):
        return page.locator(f"#id_p{pk}-{transition}-{nom}")

    return bloc, champ


def test_parcours_saisie_attribution_avec_approbation(live_server, navigateur, etude_du_parcours):
    from procedures.models import SaisieAttribution

    dossier = etude_du_parcours
    refus_csp = []
    contexte_clerc, page = _connecter(navigateur, live_server, "camille", refus_csp)

    # 1. La fiche : solvabilité (compte au-delà du SBI recommandé) et début de la procédure.
    page.goto(f"{live_server.url}{dossier.get_absolute_url()}")
    solvabilite = page.locator("#solvabilite")
    assert solvabilite.get_by_text("recommandée").is_visible()
    assert solvabilite.get_by_text("quotité estimée", exact=False).is_visible()
    capture(page, "01-fiche-solvabilite")
    page.locator("#id_ouvrir-type").select_option("saisie_attribution")
    page.get_by_role("button", name="Commencer la procédure").click()
    page.wait_for_url("**#procedure-*")
    pk = int(page.url.rsplit("#procedure-", 1)[1])
    assert message(page, "Saisie-attribution ouverte").is_visible()

    # 2. La signification attend l'approbation (dossier complexe, règle de l'étude).
    bloc, champ = _etape(page, pk, "signifier")
    assert bloc.get_by_text("attend l'approbation du principal clerc").is_visible()
    champ("signifie_le_0").fill("2026-03-02")
    champ("signifie_le_1").fill("10:15")
    champ("tiers_saisi").fill("Banque Populaire")
    champ("compte_bancaire").check()
    capture(page, "02-signification")
    bloc.get_by_role("button", name="Signifier l'acte de saisie").click()
    page.wait_for_load_state()
    assert message(page, "la demande lui a été transmise").is_visible()
    assert SaisieAttribution.objects.get(pk=pk).etat == "ouverte"
    capture(page, "03-approbation-demandee")

    # 3. Le principal clerc approuve dans sa file, en un clic.
    contexte_principal, page_p = _connecter(navigateur, live_server, "paul", refus_csp)
    assert page_p.get_by_text("1 demande en attente de votre décision").is_visible()
    page_p.get_by_text("1 demande en attente de votre décision").click()
    page_p.wait_for_url("**/approbations/")
    assert page_p.get_by_text(dossier.reference).first.is_visible()
    assert page_p.get_by_text("Dossier complexe", exact=False).first.is_visible()
    page_p.get_by_label("Commentaire").fill("Compte vérifié, allez-y.")
    capture(page_p, "04-file-approbations")
    page_p.get_by_role("button", name="Approuver").click()
    page_p.wait_for_load_state()
    assert page_p.get_by_text("Aucune demande en attente.").is_visible()
    contexte_principal.close()

    # 4. Le clerc voit la décision sur son bureau et sur la fiche, puis signifie.
    page.goto(f"{live_server.url}/bureau/")
    approbations = page.locator("section[aria-labelledby=bureau-approbations]")
    assert approbations.get_by_text("Compte vérifié, allez-y.").is_visible()
    capture(page, "05-bureau-approbation")
    page.goto(f"{live_server.url}{dossier.get_absolute_url()}#procedure-{pk}")
    bloc, champ = _etape(page, pk, "signifier")
    assert bloc.get_by_text("Approuvée").is_visible()
    champ("signifie_le_0").fill("2026-03-02")
    champ("signifie_le_1").fill("10:15")
    champ("tiers_saisi").fill("Banque Populaire")
    champ("compte_bancaire").check()
    bloc.get_by_role("button", name="Signifier l'acte de saisie").click()
    page.wait_for_load_state()
    assert message(page, "Signifier l'acte de saisie : enregistré.").is_visible()
    delais = page.locator(f"#procedure-{pk} .delais")
    assert delais.get_by_text("Dénoncer la saisie au débiteur").is_visible()
    assert delais.get_by_text("10/03/2026").is_visible()
    capture(page, "06-delais-ouverts")
    # Le tableau des délais : la nuit n'a pas tourné, les délais de mars sont en retard.
    page.goto(f"{live_server.url}/delais/")
    en_retard = page.locator("#retard")
    assert en_retard.get_by_role("link", name=dossier.reference).first.is_visible()
    assert en_retard.get_by_text("CPCE R211-3").is_visible()
    capture(page, "06b-tableau-delais-ouverts")
    page.goto(f"{live_server.url}{dossier.get_absolute_url()}#procedure-{pk}")

    # 5. Dénonciation hors délai refusée (R211-3), puis dans les huit jours.
    bloc, champ = _etape(page, pk, "denoncer")
    champ("le_0").fill("2026-03-12")
    champ("le_1").fill("09:00")
    bloc.get_by_role("button", name="Dénoncer la saisie au débiteur").click()
    page.wait_for_load_state()
    assert message(page, "CPCE R211-3").is_visible()
    capture(page, "07-refus-article")
    bloc, champ = _etape(page, pk, "denoncer")
    champ("le_0").fill("2026-03-09")
    champ("le_1").fill("11:00")
    bloc.get_by_role("button", name="Dénoncer la saisie au débiteur").click()
    page.wait_for_load_state()
    assert (
        page.locator(f"#procedure-{pk} .delais")
        .get_by_text("Délai de contestation du débiteur (un mois)")
        .is_visible()
    )

    # 6. Certificat de non-contestation après le mois (R211-6), puis paiement du tiers saisi.
    bloc, champ = _etape(page, pk, "delivrer_certificat_non_contestation")
    champ("le").fill("2026-04-10")
    bloc.get_by_role("button", name="Délivrer le certificat de non-contestation").click()
    page.wait_for_load_state()
    assert page.get_by_text("Certificat de non-contestation délivré").first.is_visible()
    bloc, champ = _etape(page, pk, "constater_paiement")
    champ("le").fill("2026-04-15")
    champ("montant").fill("1 173,88")
    bloc.get_by_role("button", name="Constater le paiement").click()
    page.wait_for_load_state()
    assert page.get_by_text("Payée par le tiers saisi").first.is_visible()
    capture(page, "08-payee")
    assert SaisieAttribution.objects.get(pk=pk).etat == "payee"

    # 7. La page de la procédure : l'historique complet.
    page.get_by_role("link", name="Saisie-attribution").first.click()
    page.wait_for_url(f"**/procedures/{pk}/")
    assert page.get_by_text("Saisie-attribution signifiée à Banque Populaire").is_visible()
    capture(page, "09-procedure-historique")

    # 8. Le tableau des délais et l'adresse du calendrier.
    page.goto(f"{live_server.url}/delais/")
    page.get_by_role("button", name="Créer l'adresse du calendrier").click()
    page.wait_for_load_state()
    assert page.locator("#adresse-ical").input_value().endswith(".ics")
    capture(page, "10-tableau-delais")

    assert not refus_csp, f"La CSP a bloqué : {refus_csp}"
    contexte_clerc.close()
