"""La journée d'un clerc nouveau, dans un vrai navigateur (Chromium de Debian, Playwright),
écran par écran (../shared/PARCOURS.md) : connexion avec mise en place du second facteur
(TOTP), « Mon bureau », ouverture d'un dossier pour un nouveau créancier et un nouveau
débiteur, versement et décompte, saisie-attribution menée par ses actes (rédiger, contrôler,
finaliser, signifier) avec l'approbation du principal clerc, campagne de relance (lettres,
courriels, appels), plan de paiement ; puis les jours suivants de la même saisie
(dénonciation, certificat de non-contestation, paiement du tiers saisi).

Dates : le parcours vit en janvier et février 2026 (horloge déplacée par time-machine, pour
le serveur de test comme pour le test) : les taux de l'intérêt légal (jusqu'au 30/06/2026)
et le tarif (jusqu'au 28/02/2026) y sont ceux des sources. Seuls les émoluments et textes
d'articles que les sources n'ont pas (tests/actes/conftest.py : 10,00 € « montant fictif des
tests ») sont complétés, comme le ferait un administrateur. Captures :
docs/captures/journee-NN-<sujet>.png."""

import re
from base64 import b32decode
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

import pytest

from tests.navigateur.conftest import CAPTURES

PARIS = ZoneInfo("Europe/Paris")
# Lundi 12 janvier 2026, 8 h 30 : le premier jour de Camille à l'étude.
PREMIER_JOUR = datetime(2026, 1, 12, 8, 30, tzinfo=PARIS)


@pytest.fixture
def horloge():
    """L'heure de l'étude (serveur de test et test) : elle avance, et le test la déplace
    d'un jour de travail à l'autre. time-machine ne touche pas à l'horloge monotone dont se
    servent Playwright et asyncio."""
    time_machine = pytest.importorskip("time_machine")
    with time_machine.travel(PREMIER_JOUR, tick=True) as voyage:
        yield voyage


@pytest.fixture
def etude_du_parcours(transactional_db, horloge):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from etude.roles import synchroniser_roles
    from relances import sms
    from relances.models import EtapeScenario, Scenario
    from relances.services.campagnes import scenario_affecter
    from tests.actes.conftest import completer_tarif, completer_textes
    from tests.factories import creer_etude, creer_regle_approbation, creer_utilisateur
    from tests.relances.conftest import creer_dossier_joignable

    synchroniser_roles()
    etude = creer_etude(
        nom="Étude Martin & Associés",
        double_facteur_obligatoire=True,
        seuil_dossier_complexe=Decimal("5000.00"),
    )
    camille = creer_utilisateur(
        etude=etude, role="clerc", username="camille", first_name="Camille", last_name="Roux"
    )
    paul = creer_utilisateur(
        etude=etude,
        role="principal_clerc",
        username="paul",
        first_name="Paul",
        last_name="Garnier",
    )
    # Le commissaire de justice de l'étude, qui signe les actes (CPC 648 3°).
    creer_utilisateur(
        etude=etude,
        role="commissaire",
        username="marie",
        first_name="Marie",
        last_name="Delorme",
    )
    appareil_paul = TOTPDevice.objects.create(user=paul, name="téléphone", confirmed=True)
    creer_regle_approbation(
        etude=etude, type_procedure="saisie_attribution", transition="signifier"
    )
    completer_tarif()
    completer_textes()

    # Trois dossiers déjà confiés à Camille, chacun dans un scénario dont la première étape
    # tombe aujourd'hui : une lettre, un courriel, un appel.
    etapes = {
        "lettre": {"canal": "lettre", "modele": ""},
        "email": {
            "canal": "email",
            "objet": "Votre dossier {{ reference }}",
            "modele": "Bonjour {{ debiteur }}, merci de rappeler {{ etude }} au "
            "{{ telephone_etude }}, réf. {{ reference }}.",
        },
        "appel": {
            "canal": "appel",
            "script": "Se présenter, rappeler la somme due, proposer un plan de paiement.",
        },
    }
    debiteurs = {
        "lettre": {"nom": "Moreau", "prenoms": "Luc"},
        "email": {"nom": "Girard", "prenoms": "Anne"},
        "appel": {"nom": "Fabre", "prenoms": "Hugo", "revenus_mensuels_nets": Decimal("1900")},
    }
    dossiers = {}
    sms.boite.clear()
    for canal, etape in etapes.items():
        scenario = Scenario.objects.create(etude=etude, nom=f"Relance par {canal}")
        ligne = EtapeScenario(scenario=scenario, rang=1, apres_jours=0, **etape)
        ligne.full_clean()
        ligne.save()
        dossier = creer_dossier_joignable(
            acteur=camille,
            ouvert_le=date(2026, 1, 5),
            titre=True,
            debiteur=debiteurs[canal],
        )
        scenario_affecter(acteur=paul, dossier=dossier, scenario=scenario, le=date(2026, 1, 12))
        dossiers[canal] = dossier
    return {"etude": etude, "appareil_paul": appareil_paul, "dossiers": dossiers}


def capture(page, numero: int, sujet: str) -> None:
    CAPTURES.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(CAPTURES / f"journee-{numero:02d}-{sujet}.png"), full_page=True)


def code_totp(cle: bytes) -> str:
    """Ce qu'afficherait l'application d'authentification (RFC 6238, pas de 30 s)."""
    from django_otp.oath import totp

    return f"{totp(cle):06d}"


def eur(montant: str) -> str:
    """« 7 070,36 EUR » tel que l'écran l'écrit (espaces normalisées par `texte`)."""
    entiers, decimales = f"{Decimal(montant):.2f}".split(".")
    groupes = []
    while entiers:
        groupes.insert(0, entiers[-3:])
        entiers = entiers[:-3]
    return f"{' '.join(groupes)},{decimales} EUR"


def droit_a444_31(base: Decimal) -> Decimal:
    """Droit proportionnel de recouvrement à la charge du débiteur, HT (C. com. A444-31,
    prestation n° 128, arrêté du 28 février 2024) : forfait de 4,30 € jusqu'à 44 € ; au-delà
    9,77 % jusqu'à 125 €, 6,35 % jusqu'à 610 €, 3,41 % jusqu'à 1 525 €, 0,29 % au-delà,
    chaque tranche arrondie au centime, plafond 550 €."""
    if base <= Decimal("44"):
        return Decimal("4.30")
    total, plancher = Decimal("0"), Decimal("0")
    for plafond_tranche, taux in (
        (Decimal("125"), Decimal("9.77")),
        (Decimal("610"), Decimal("6.35")),
        (Decimal("1525"), Decimal("3.41")),
        (None, Decimal("0.29")),
    ):
        haut = base if plafond_tranche is None else min(base, plafond_tranche)
        if haut > plancher:
            total += ((haut - plancher) * taux / 100).quantize(Decimal("0.01"), ROUND_HALF_UP)
        if plafond_tranche is None or base <= plafond_tranche:
            break
        plancher = plafond_tranche
    return min(total, Decimal("550.00"))


def texte(locator) -> str:
    return " ".join(locator.inner_text().replace("\u202f", " ").replace("\u00a0", " ").split())


def ligne(page, entete: str) -> str:
    """Le texte de la ligne de la synthèse du décompte dont l'en-tête est `entete`."""
    return texte(
        page.locator(
            "#t-synthese ~ table tr", has=page.get_by_role("rowheader", name=entete, exact=True)
        )
    )


def message(page, extrait: str):
    return page.locator(".messages").get_by_text(extrait, exact=False)


class Session:
    """Un utilisateur connecté dans son propre contexte de navigateur."""

    def __init__(self, navigateur, base, refus_csp):
        self.base = base
        self.contexte = navigateur.new_context(
            locale="fr-FR", timezone_id="Europe/Paris", viewport={"width": 1280, "height": 900}
        )
        self.page = self.contexte.new_page()
        self.page.set_default_timeout(20_000)
        self.page.on(
            "console",
            lambda m: refus_csp.append(m.text) if "Content Security Policy" in m.text else None,
        )

    def aller(self, chemin: str):
        self.page.goto(f"{self.base}{chemin}")
        return self.page

    def identifier(self, identifiant: str):
        from tests.factories import MOT_DE_PASSE

        page = self.aller("/")
        page.get_by_label("Identifiant").fill(identifiant)
        page.get_by_label("Mot de passe").fill(MOT_DE_PASSE)
        page.get_by_role("button", name="Se connecter").click()
        return page

    def verifier(self, cle: bytes):
        """Un utilisateur qui a déjà son application présente le code du moment."""
        page = self.page
        page.wait_for_url("**/connexion/verification/**")
        page.get_by_label("Code à 6 chiffres").fill(code_totp(cle))
        page.get_by_role("button", name="Valider").click()
        page.wait_for_url("**/bureau/")
        return page

    def fermer(self):
        self.contexte.close()


def _etape(page, pk, transition):
    bloc = page.locator(f"#etape-{pk}-{transition}")
    if bloc.get_attribute("open") is None:
        bloc.locator("summary").click()
    return bloc, lambda nom: page.locator(f"#id_p{pk}-{transition}-{nom}")


def _rediger_acte(page, base, procedure_pk, type_libelle, champs, date_acte):
    """Depuis la procédure : « Rédiger l'acte », type, date et options ; rend le brouillon."""
    page.goto(f"{base}/procedures/{procedure_pk}/")
    page.get_by_role("link", name="Rédiger l'acte").click()
    page.get_by_role("link", name=type_libelle).click()
    page.get_by_label("Date de l'acte").fill(date_acte)
    for libelle, valeur in champs.items():
        if valeur is True:
            page.get_by_label(libelle).check()
        else:
            page.get_by_label(libelle).fill(valeur)
    page.get_by_role("button", name="Rédiger le brouillon").click()
    page.wait_for_url("**/actes/*/")
    assert message(page, "Brouillon créé").is_visible()
    return page


def _finaliser(page):
    rapport = page.locator("#rapport")
    assert rapport.get_by_text("Toutes les mentions obligatoires sont présentes").is_visible(), (
        texte(rapport)
    )
    page.get_by_role("button", name="Finaliser").click()
    page.wait_for_load_state()
    assert message(page, "Acte finalisé : n°").is_visible(), texte(page.locator("main"))
    numero = texte(page.locator(".titre-page .etiquette").first)
    return numero


def _signifier(page, le: str, mode: str = "a_personne"):
    page.get_by_label("Mode").select_option(mode)
    page.get_by_label("Date et heure").fill(le)
    page.get_by_role("button", name="Enregistrer la signification").click()
    page.wait_for_load_state()


def test_journee_du_clerc(live_server, navigateur, horloge, etude_du_parcours):
    from dossiers.models import Dossier
    from procedures.models import Approbation, SaisieAttribution
    from relances.models import Echeancier

    base = live_server.url
    refus_csp = []

    # --- Lundi 12 janvier 2026 -------------------------------------------------------------
    # 1. Connexion : l'étude impose le second facteur ; Camille l'active avec son téléphone.
    camille = Session(navigateur, base, refus_csp)
    page = camille.identifier("camille")
    page.wait_for_url("**/compte/double-facteur/")
    assert page.get_by_text("Votre étude impose un second facteur").is_visible()
    assert page.get_by_role("img", name="QR code").is_visible()
    capture(page, 1, "second-facteur")
    cle_camille = b32decode(page.get_by_label("Clé secrète").inner_text().replace(" ", ""))
    page.get_by_label("Code à 6 chiffres").fill(code_totp(cle_camille))
    page.get_by_role("button", name="Activer").click()

    # 2. Mon bureau : ses trois dossiers, comptés exactement.
    page.wait_for_url("**/bureau/")
    assert message(page, "Le second facteur est activé").is_visible()
    assert page.get_by_role("heading", name="Mon bureau").is_visible()
    assert page.locator("section[aria-labelledby=bureau-dossiers] tbody tr").count() == 3
    capture(page, 2, "bureau")

    # 3. Un créancier apporte un jugement : nouveau dossier, nouveau créancier, nouveau débiteur.
    page.get_by_role("link", name="Nouveau dossier").first.click()
    page.wait_for_url("**/dossiers/nouveau/")
    page.locator("#id_creancier-type_personne_1").check()  # personne morale
    page.locator("#id_creancier-raison_sociale").fill("Rhône Équipement")
    page.locator("#id_creancier-forme_juridique").fill("SAS")
    page.locator("#id_creancier-representant").fill("M. Olivier Brun, président")
    page.locator("#id_creancier-adresse").fill("40 quai Perrache")
    page.locator("#id_creancier-code_postal").fill("69002")
    page.locator("#id_creancier-ville").fill("Lyon")
    page.locator("#id_creancier-iban").fill("FR76 3000 6000 0112 3456 7890 189")
    page.locator("#id_debiteurs-0-civilite").select_option("M.")
    page.locator("#id_debiteurs-0-nom").fill("Vasseur")
    page.locator("#id_debiteurs-0-prenoms").fill("Thomas")
    page.locator("#id_debiteurs-0-date_naissance").fill("1979-06-21")
    page.locator("#id_debiteurs-0-lieu_naissance").fill("Grenoble")
    page.locator("#id_debiteurs-0-nationalite").fill("française")
    page.locator("#id_debiteurs-0-profession").fill("artisan menuisier")
    page.locator("#id_debiteurs-0-adresse").fill("7 rue Mercière")
    page.locator("#id_debiteurs-0-code_postal").fill("69002")
    page.locator("#id_debiteurs-0-ville").fill("Lyon")
    page.locator("#id_debiteurs-0-telephone").fill("06 23 45 67 89")
    page.locator("#id_dossier-nature").select_option("commerciale")
    page.locator("#id_dossier-montant_principal").fill("7 200,00")
    page.locator("#id_titre-nature").select_option("decision")
    page.locator("#id_titre-date_titre").fill("2025-12-05")
    page.locator("#id_titre-juridiction").fill("Tribunal judiciaire de Lyon")
    page.locator("#id_titre-numero_rg").fill("25/04417")
    page.locator("#id_titre-date_signification").fill("2025-12-15")
    page.locator("#id_titre-date_force_executoire").fill("2025-12-15")
    page.locator("#id_titre-montant_principal").fill("7 200,00")
    page.locator("#id_titre-montant_frais").fill("850,00")
    page.locator("#id_titre-type_interets").select_option("legal")
    page.locator("#id_titre-interets_depuis").fill("2025-12-05")
    capture(page, 3, "nouveau-dossier")
    page.get_by_role("button", name="Ouvrir le dossier").click()
    page.wait_for_url("**/dossiers/2026-*/")
    reference = page.url.rstrip("/").rsplit("/", 1)[-1]
    assert message(page, f"Dossier {reference} ouvert.").is_visible()
    dossier = Dossier.objects.get(reference=reference)
    # 7 200 € dépasse le seuil de l'étude (5 000 €) : dossier complexe.
    assert dossier.complexe
    capture(page, 4, "fiche-dossier")

    # 4. Le débiteur vire 1 000 € ce matin ; Camille l'enregistre et lit le décompte.
    page.get_by_role("link", name="Décompte").first.click()
    page.wait_for_url(f"**/dossiers/{reference}/decompte/**")
    page.get_by_role("link", name="Enregistrer un versement").click()
    page.get_by_label("Montant reçu (EUR)").fill("1 000,00")
    page.get_by_label("Date de valeur").fill("2026-01-12")
    page.get_by_label("Mode de paiement").select_option("virement")
    page.get_by_label("Référence").fill("VIR VASSEUR 25/04417")
    capture(page, 5, "versement")
    page.get_by_role("button", name="Enregistrer le versement").click()
    page.wait_for_url(f"**/dossiers/{reference}/decompte/**")
    # Intérêts au taux légal, créancier professionnel (CMF L313-2, « autres cas ») depuis le
    # jugement du 05/12/2025, jour d exclu, jour de fin inclus, principal × jours × taux /
    # 36 500 par semestre, arrondi au centime (service-public F783) :
    #   06/12 → 31/12/2025 : 26 j à 2,76 % (arrêté du 19 juin 2025) : 7 200 × 26 × 2,76 /
    #     36 500 = 14,1554… → 14,16 ;
    #   01/01 → 12/01/2026 : 12 j à 2,62 % (arrêté du 15 décembre 2025) : 7 200 × 12 × 2,62 /
    #     36 500 = 6,2018… → 6,20 ; total 20,36 (pas de majoration L313-3 avant le 15/02/2026).
    # Imputation C. civ. 1343-1 : frais 850,00, intérêts 20,36, principal 129,64 ; reste
    # 7 070,36 de principal. Sur les 150,00 € recouvrés (intérêts et principal), le droit
    # proportionnel à la charge du débiteur (C. com. A444-31, arrêté du 28 février 2024) :
    # 125 × 9,77 % = 12,21 + 25 × 6,35 % = 1,59 -> 13,80 HT, TVA 20 % 2,76 : reste dû
    # 7 070,36 + 16,56 = 7 086,92.
    assert ligne(page, "Intérêts courus") == f"Intérêts courus {eur('20.36')}"
    assert ligne(page, "Principal restant dû") == f"Principal restant dû {eur('7070.36')}"
    frais = texte(page.locator("#t-frais ~ table"))
    assert f"Droit proportionnel A444-31 sur 150,00 € recouvrés {eur('13.80')}" in frais
    assert f"TVA 20 % sur droit proportionnel A444-31 sur 150,00 € recouvrés {eur('2.76')}" in (
        frais
    )
    assert ligne(page, "Reste dû") == f"Reste dû {eur('7086.92')}"
    versements = texte(page.locator("#t-versements ~ table"))
    assert f"{eur('1000')} {eur('850')} {eur('20.36')} {eur('129.64')}" in versements
    morceaux = texte(page.locator("#t-interets ~ table"))
    assert f"05/12/2025 31/12/2025 26 {eur('7200')} 2,76 % {eur('14.16')}" in morceaux
    assert f"31/12/2025 12/01/2026 12 {eur('7200')} 2,62 % {eur('6.20')}" in morceaux
    capture(page, 6, "decompte")

    # 5. La saisie-attribution : le compte du débiteur est connu (relevé du créancier).
    page.goto(f"{base}/dossiers/{reference}/")
    page.locator("#id_ouvrir-type").select_option("saisie_attribution")
    page.get_by_role("button", name="Commencer la procédure").click()
    page.wait_for_url("**#procedure-*")
    pk = int(page.url.rsplit("#procedure-", 1)[1])
    assert message(page, "Saisie-attribution ouverte").is_visible()

    # L'acte de saisie : rédigé depuis la procédure, contrôlé, finalisé.
    _rediger_acte(
        page,
        base,
        pk,
        "Acte de saisie-attribution",
        {
            "Tiers saisi (dénomination)": "Banque des Rives du Rhône (SA)",
            "Siège du tiers saisi": "12 place Bellecour, 69002 Lyon",
            "Heure de la signification (R211-1)": "11:00",
            "Saisie d'un compte bancaire": True,
        },
        "2026-01-12",
    )
    page.locator("#brouillon textarea").first.fill(
        "Le tiers saisi déclare tenir un compte courant au nom du débiteur, créditeur de "
        "9 412,80 € ce jour, sans cession, nantissement ni saisie antérieure."
    )
    page.get_by_role("button", name="Enregistrer et contrôler").click()
    page.locator("#brouillon").get_by_text("9 412,80").first.wait_for()
    capture(page, 7, "acte-saisie-brouillon")
    numero_saisie = _finaliser(page)
    assert "n° 1 au répertoire" in numero_saisie
    acte_saisie_url = page.url

    # Signifier : le dossier est complexe, l'étape attend l'approbation du principal clerc.
    horloge.move_to(datetime(2026, 1, 12, 11, 20, tzinfo=PARIS))
    _signifier(page, "2026-01-12T11:00")
    assert message(page, "la demande lui a été transmise").is_visible()
    assert SaisieAttribution.objects.get(pk=pk).etat == "ouverte"
    capture(page, 8, "approbation-demandee")

    # 6. Le principal clerc approuve, depuis sa file, en un clic.
    paul = Session(navigateur, base, refus_csp)
    paul.identifier("paul")
    page_p = paul.verifier(etude_du_parcours["appareil_paul"].bin_key)
    page_p.get_by_text("1 demande en attente de votre décision").click()
    page_p.wait_for_url("**/approbations/")
    assert page_p.get_by_text(reference).first.is_visible()
    page_p.get_by_label("Commentaire").fill("Solde déclaré vérifié : signifiez.")
    capture(page_p, 9, "approbation")
    page_p.get_by_role("button", name="Approuver").click()
    page_p.wait_for_load_state()
    assert page_p.get_by_text("Aucune demande en attente.").is_visible()
    assert Approbation.objects.get(procedure_id=pk).decision == "approuvee"
    paul.fermer()

    # Camille signifie : la procédure avance et la dénonciation a huit jours (CPCE R211-3).
    page.goto(acte_saisie_url)
    _signifier(page, "2026-01-12T11:00")
    assert message(page, "Signification enregistrée ; la procédure a avancé.").is_visible()
    assert SaisieAttribution.objects.get(pk=pk).etat == "saisie_signifiee"
    capture(page, 10, "acte-saisie-signifie")
    page.goto(f"{base}/dossiers/{reference}/#procedure-{pk}")
    delais = page.locator(f"#procedure-{pk} .delais")
    assert delais.get_by_text("Dénoncer la saisie au débiteur").is_visible()
    assert delais.get_by_text("20/01/2026").is_visible()

    # La banque a déclaré sur-le-champ (CPCE L211-3, R211-4) le solde du compte ; elle laisse
    # au débiteur le solde bancaire insaisissable (L162-2, R162-2) : le montant forfaitaire du
    # RSA pour une personne seule au 12/01/2026, 646,52 € (revalorisation du 1er avril 2025).
    bloc, champ = _etape(page, pk, "enregistrer_declaration")
    champ("le_0").fill("2026-01-12")
    champ("le_1").fill("11:05")
    champ("solde_declare").fill("9 412,80")
    champ("sbi_applique").fill("646,52")
    bloc.get_by_role("button", name="Enregistrer la déclaration du tiers saisi").click()
    page.wait_for_load_state()
    assert SaisieAttribution.objects.get(pk=pk).etat == "declaration_recue"

    # 7. La campagne du jour : une lettre, un courriel, un appel.
    horloge.move_to(datetime(2026, 1, 12, 14, 0, tzinfo=PARIS))
    page.goto(f"{base}/relances/")
    page.get_by_role("button", name="Lancer une campagne maintenant").click()
    page.wait_for_url("**/relances/campagnes/*/")
    assert message(page, "Campagne lancée : 3 envoi(s) créé(s)").is_visible()
    page.locator("#progression").get_by_text("terminée").wait_for()
    envois = texte(page.locator("#envois"))
    dossiers = etude_du_parcours["dossiers"]
    assert f"Lettre {dossiers['lettre'].reference} M. Luc MOREAU 3 rue des Lilas" in envois
    courriel = dossiers["email"].debiteurs.get().emails.get().adresse
    assert f"Courriel {dossiers['email'].reference}" in envois and courriel in envois
    assert page.get_by_role("link", name="Lettres du 12/01/2026").is_visible()
    assert page.get_by_text("1 appel ajouté par cette campagne").is_visible()
    capture(page, 11, "campagne")
    from django.core import mail

    assert [m.to for m in mail.outbox] == [[courriel]]
    page.get_by_role("link", name="Liste d'appels").click()
    page.wait_for_url("**/relances/appels/")
    appel = page.locator("article.appel")
    assert appel.count() == 1
    assert appel.get_by_text("proposer un plan de paiement").is_visible()
    capture(page, 12, "liste-appels")

    # 8. Au téléphone, M. Fabre propose de payer en plusieurs fois : plan dans la politique.
    appel.get_by_role("link", name=dossiers["appel"].reference).click()
    page.get_by_role("link", name="Proposer un plan de paiement").click()
    page.wait_for_url("**/echeancier/")
    propositions = page.locator("#propositions tbody tr")
    dans_politique = propositions.filter(has_text="dans la politique").first
    nombre = int(texte(dans_politique.locator("td").nth(1)))
    capture(page, 13, "plan-propositions")
    dans_politique.get_by_role("button", name="Le débiteur accepte").click()
    page.wait_for_url("**/echeanciers/*/")
    assert message(page, "Échéancier accepté : il court dès aujourd'hui.").is_visible()
    plan = Echeancier.objects.get(dossier=dossiers["appel"])
    assert (plan.etat, plan.nombre) == ("en_cours", nombre)
    assert plan.echeances.count() == nombre
    capture(page, 14, "plan-accepte")
    camille.fermer()

    # --- Lundi 19 janvier 2026 : la dénonciation (dernier jour utile : 20/01) ------------
    horloge.move_to(datetime(2026, 1, 19, 9, 0, tzinfo=PARIS))
    camille = Session(navigateur, base, refus_csp)
    camille.identifier("camille")
    page = camille.verifier(cle_camille)
    bureau_delais = page.locator("section[aria-labelledby=bureau-delais]")
    assert bureau_delais.get_by_text("Dénoncer la saisie au débiteur").first.is_visible()
    assert (
        page.locator("section[aria-labelledby=bureau-approbations]")
        .get_by_text("Solde déclaré vérifié : signifiez.")
        .is_visible()
    )
    capture(page, 15, "bureau-lendemain")
    _rediger_acte(
        page,
        base,
        pk,
        "Dénonciation de saisie-attribution",
        {"Saisie d'un compte bancaire": True, "Comptes (SBI, R162-2)": "compte courant ••••4417"},
        "2026-01-19",
    )
    _finaliser(page)
    horloge.move_to(datetime(2026, 1, 19, 10, 30, tzinfo=PARIS))
    _signifier(page, "2026-01-19T10:00")
    assert message(page, "Signification enregistrée ; la procédure a avancé.").is_visible()
    assert SaisieAttribution.objects.get(pk=pk).etat == "denoncee"
    capture(page, 16, "denonciation-signifiee")
    camille.fermer()

    # --- Lundi 23 février 2026 : plus de contestation possible (R211-11) ; paiement --------
    horloge.move_to(datetime(2026, 2, 23, 9, 0, tzinfo=PARIS))
    camille = Session(navigateur, base, refus_csp)
    camille.identifier("camille")
    page = camille.verifier(cle_camille)
    _rediger_acte(page, base, pk, "Certificat de non-contestation", {}, "2026-02-23")
    _finaliser(page)
    assert SaisieAttribution.objects.get(pk=pk).etat == "certificat_delivre"
    capture(page, 17, "certificat")

    # Le tiers saisi paie ce qui est dû au jour du paiement (CPCE R211-6) : le décompte du
    # jour le dit, majoration de cinq points comprise depuis le 15/02/2026 (CMF L313-3 :
    # deux mois après le jugement devenu exécutoire le 15/12/2025).
    page.goto(f"{base}/dossiers/{reference}/decompte/?le=2026-02-23")
    assert "(majoré L313-3)" in texte(page.locator("#t-interets ~ table"))
    assert "15/02/2026" in texte(page.locator("#t-interets ~ table"))
    reste = ligne(page, "Reste dû").removeprefix("Reste dû ")
    montant = reste.removesuffix(" EUR").replace(" ", "")
    page.goto(f"{base}/dossiers/{reference}/#procedure-{pk}")
    bloc, champ = _etape(page, pk, "constater_paiement")
    champ("le").fill("2026-02-23")
    champ("montant").fill(montant)
    bloc.get_by_role("button", name="Constater le paiement").click()
    page.wait_for_load_state()
    assert page.get_by_text("Payée par le tiers saisi").first.is_visible()
    assert SaisieAttribution.objects.get(pk=pk).etat == "payee"

    # Le virement du tiers saisi arrive : il éteint la dette.
    page.goto(f"{base}/dossiers/{reference}/versement/")
    page.get_by_label("Montant reçu (EUR)").fill(montant)
    page.get_by_label("Date de valeur").fill("2026-02-23")
    page.get_by_label("Mode de paiement").select_option("virement")
    page.get_by_label("Référence").fill("BANQUE DES RIVES DU RHONE SAISIE")
    page.get_by_role("button", name="Enregistrer le versement").click()
    page.wait_for_url(f"**/dossiers/{reference}/decompte/**")
    # Reste le droit de recouvrement à la charge du débiteur (C. com. A444-31) et sa TVA,
    # rien d'autre. Le barème est dégressif et s'applique au total recouvré sur le dossier
    # (7 200 € de principal et les intérêts) : ce versement porte le droit du total, moins
    # les 13,80 € déjà perçus le 12/01.
    frais = texte(page.locator("#t-frais ~ table"))
    recouvre = re.findall(r"23/02/2026 Droit proportionnel A444-31 sur ([\d ]+,\d\d) €", frais)
    assert len(recouvre) == 1, frais
    base_droit = Decimal(recouvre[0].replace(" ", "").replace(",", "."))
    assert Decimal("7200") < base_droit < Decimal("7300"), frais
    droit = droit_a444_31(base_droit) - Decimal("13.80")
    tva = (droit * Decimal("0.20")).quantize(Decimal("0.01"), ROUND_HALF_UP)
    assert f"recouvrés {eur(droit)}" in frais and f"recouvrés {eur(tva)}" in frais, frais
    assert ligne(page, "Reste dû") == f"Reste dû {eur(droit + tva)}"
    assert (
        ligne(page, "Total versé")
        == f"Total versé {eur(Decimal('1000') + Decimal(montant.replace(',', '.')))}"
    )
    capture(page, 18, "decompte-solde")
    page.goto(f"{base}/procedures/{pk}/")
    historique = texte(page.locator("main"))
    assert "Saisie-attribution signifiée à Banque des Rives du Rhône (SA)" in historique
    capture(page, 19, "procedure-historique")

    assert not refus_csp, f"La CSP a bloqué : {refus_csp}"
    camille.fermer()
