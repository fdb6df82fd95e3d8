"""PARCOURS.md, clerc § 6 « Un appel » : la fiche d'appel montre le dû, la capacité et
l'historique ; le débiteur propose 150 EUR par mois ; le clerc construit le plan de son
offre (dans la politique, ou à approuver) et l'imprime avec l'émolument A444-44 chiffré."""

from datetime import date, datetime
from decimal import Decimal as D
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from comptabilite.services import grand_livre_ouvrir, versement_enregistrer
from dossiers.models import TelephoneDebiteur
from relances import echeancier_calcul as calcul
from relances.models import Appel, Echeancier, EtatEcheancier, PolitiqueEcheancier
from tests.factories import creer_debiteur, creer_dossier

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
# Un lundi, dans les heures de l'étude ; le tarif de 2024 (A444-44 : 6,44 EUR HT par acompte,
# plafond 33,07 EUR HT) court jusqu'au 28/02/2026.
LUNDI = datetime(2025, 6, 2, 10, 0, tzinfo=PARIS)


def _appel(*, clerc, dossier, prevu_le=date(2025, 6, 2), **extra) -> Appel:
    # Un appel ne part que vers un numéro qui accepte les appels ; la liste le relit.
    TelephoneDebiteur.objects.get_or_create(
        debiteur=dossier.debiteurs.first(),
        numero="+33600000001",
        defaults={"consentement_appel": True},
    )
    return Appel.objects.create(
        etude=clerc.etude,
        dossier=dossier,
        debiteur=dossier.debiteurs.first(),
        clerc=clerc,
        telephone="+33600000001",
        prevu_le=prevu_le,
        script="Se présenter, rappeler la lettre.",
        **extra,
    )


def _dossier_sans_titre(clerc, montant, revenus=D("1500.00")):
    debiteur = creer_debiteur(etude=clerc.etude, revenus_mensuels_nets=revenus)
    dossier = creer_dossier(acteur=clerc, debiteurs=[debiteur], titre=False, montant=montant)
    grand_livre_ouvrir(dossier=dossier)
    return dossier


@time_machine.travel(LUNDI, tick=False)
def test_fiche_d_appel_montre_le_du_la_capacite_et_l_historique(client, clerc):
    # Reste-à-vivre du foyer fixé par l'étude : 1 300 EUR.
    PolitiqueEcheancier.objects.create(etude=clerc.etude, reste_a_vivre=D("1300.00"))
    dossier = _dossier_sans_titre(clerc, D("2987.45"))
    versement_enregistrer(
        acteur=clerc,
        dossier=dossier,
        montant=D("100.00"),
        date_valeur=date(2025, 5, 20),
        mode="virement",
    )
    _appel(
        clerc=clerc,
        dossier=dossier,
        prevu_le=date(2025, 5, 28),
        resultat="promesse",
        promesse_date=date(2025, 6, 15),
        promesse_montant=D("150.00"),
        traite_par=clerc,
        traite_le=timezone.now().replace(year=2025, month=5, day=28),
    )
    appel = _appel(clerc=clerc, dossier=dossier)
    client.force_login(clerc)
    page = client.get(reverse("relances_appels")).content.decode()
    # Dû : 2 987,45 - 100,00 versés (sans titre : ni intérêts ni frais) = 2 887,45.
    assert "2\u202f887,45\u00a0EUR" in page and "déjà versé 100,00\u00a0EUR" in page
    # Capacité : min(quotité du barème 2025 pour 1 500 EUR nets sans charge = 236,94 ;
    # 1 500 - 1 300 de reste-à-vivre = 200,00) = 200,00.
    assert "<strong>200,00\u00a0EUR</strong>" in page and "quotité saisissable 236,94" in page
    # Historique : le versement, la promesse avec sa date et son montant.
    assert "20/05/2025 · Versement · 100,00\u00a0EUR · Virement" in page
    assert (
        "28/05/2025 · Appel · 150,00\u00a0EUR · Promesse de payer, à payer au plus tard le "
        "15/06/2025" in page
    )
    # « Construire un plan » : l'écran du plan, la mensualité saisie y passe (GET).
    url_plan = reverse("echeancier_proposer", args=[dossier.reference])
    assert f'action="{url_plan}"' in page and 'name="mensualite"' in page
    assert "Construire un plan" in page
    # « Plan proposé » mène à l'écran du plan.
    reponse = client.post(
        reverse("relances_appel_resultat", args=[appel.pk]), {"resultat": "plan"}
    )
    assert reponse.status_code == 302 and reponse.url == url_plan


@time_machine.travel(LUNDI, tick=False)
def test_fiche_d_appel_requetes_groupees(client, clerc):
    def requetes() -> int:
        client.force_login(clerc)
        with CaptureQueriesContext(connection) as capture:
            page = client.get(reverse("relances_appels")).content.decode()
        # Chaque fiche a son dû et sa capacité (1 500 EUR nets sans charge : 236,94).
        assert page.count("Peut payer par mois") == page.count('<article class="appel"')
        assert page.count("<strong>236,94\u00a0EUR</strong>") == page.count("<article")
        return len(capture.captured_queries)

    _appel(clerc=clerc, dossier=_dossier_sans_titre(clerc, D("1000.00")))
    requetes()  # caches (session, tables de référence) remplis
    une = requetes()
    for montant in ("2000.00", "3000.00", "4000.00"):
        dossier = _dossier_sans_titre(clerc, D(montant))
        versement_enregistrer(
            acteur=clerc,
            dossier=dossier,
            montant=D("10.00"),
            date_valeur=date(2025, 5, 2),
            mode="cheque",
        )
        _appel(clerc=clerc, dossier=dossier)
    assert requetes() == une
    page = client.get(reverse("relances_appels")).content.decode()
    for du in ("1\u202f000,00", "1\u202f990,00", "2\u202f990,00", "3\u202f990,00"):
        assert f"<strong>{du}\u00a0EUR</strong>" in page


def test_plan_de_l_offre_calcul_pur():
    # 2 987,45 EUR à 150 EUR par mois : 19 échéances de 150, la vingtième de
    # 2 987,45 - 19 x 150 = 137,45.
    echeances = calcul.echelonner_par_mensualite(
        D("2987.45"), mensualite=D("150.00"), premiere=date(2025, 1, 31)
    )
    assert [e.montant for e in echeances] == [D("150.00")] * 19 + [D("137.45")]
    assert echeances[1].date == date(2025, 2, 28) and echeances[-1].date == date(2026, 8, 31)
    # Mensualité plus forte que le dû : une seule échéance, du dû.
    assert [
        e.montant
        for e in calcul.echelonner_par_mensualite(
            D("90.00"), mensualite=D("150.00"), premiere=date(2025, 1, 31)
        )
    ] == [D("90.00")]
    with pytest.raises(ValueError, match="au centime"):
        calcul.echelonner_par_mensualite(
            D("90.00"), mensualite=D("1.005"), premiere=date(2025, 1, 31)
        )


@time_machine.travel(LUNDI, tick=False)
def test_offre_de_150_euros_par_mois_dans_la_politique(client, clerc):
    dossier = _dossier_sans_titre(clerc, D("2987.45"))
    client.force_login(clerc)
    url = reverse("echeancier_proposer", args=[dossier.reference])
    page = client.get(url, {"mensualite": "150", "premiere": "2025-06-10"}).content.decode()
    assert 'value="150"' in page  # la mensualité reste saisie
    assert "20 échéances de 150,00\u00a0EUR, la dernière de 137,45\u00a0EUR" in page
    assert "du 10/06/2025 au 10/01/2027" in page
    assert "Dans la politique de l'étude" in page
    assert "sans titre exécutoire" in page  # pas d'émolument A444-44, et il le dit

    reponse = client.post(
        reverse("echeancier_accepter", args=[dossier.reference]),
        {"mensualite": "150,00", "premiere": "2025-06-10"},
    )
    plan = Echeancier.objects.get(dossier=dossier)
    assert reponse.url == plan.get_absolute_url()
    assert plan.etat == EtatEcheancier.EN_COURS and plan.nombre == 20
    echeances = list(plan.echeances.order_by("rang").values_list("date", "montant"))
    assert [m for _, m in echeances] == [D("150.00")] * 19 + [D("137.45")]
    assert sum(m for _, m in echeances) == D("2987.45") == plan.montant
    assert echeances[0][0] == date(2025, 6, 10) and echeances[-1][0] == date(2027, 1, 10)


@time_machine.travel(LUNDI, tick=False)
def test_offre_trop_faible_au_dela_de_la_politique_est_a_approuver(client, clerc):
    # 5 050 EUR dus (4 250 de principal, 800 de frais du titre) à 150 EUR par mois :
    # 34 échéances (33 x 150 = 4 950, la dernière de 100), au-delà des 24 mois de l'étude.
    debiteur = creer_debiteur(etude=clerc.etude, revenus_mensuels_nets=D("1500.00"))
    dossier = creer_dossier(acteur=clerc, debiteurs=[debiteur])
    client.force_login(clerc)
    url = reverse("echeancier_proposer", args=[dossier.reference])
    page = client.get(url, {"mensualite": "150", "premiere": "2025-06-10"}).content.decode()
    assert "34 échéances de 150,00\u00a0EUR, la dernière de 100,00\u00a0EUR" in page
    # Le motif est celui de `motifs_hors_politique` (sa rédaction lui appartient).
    assert "<strong>Hors politique : " in page and "durée de l" in page
    client.post(
        reverse("echeancier_accepter", args=[dossier.reference]),
        {"mensualite": "150", "premiere": "2025-06-10"},
    )
    plan = Echeancier.objects.get(dossier=dossier)
    assert plan.etat == EtatEcheancier.A_APPROUVER and plan.nombre == 34
    assert "24 mois" in " ".join(plan.motifs_hors_politique)
    montants = list(plan.echeances.order_by("rang").values_list("montant", flat=True))
    assert montants == [D("150.00")] * 33 + [D("100.00")]


@time_machine.travel(LUNDI, tick=False)
def test_offre_invalide_message_en_francais_rien_enregistre(client, clerc):
    dossier = _dossier_sans_titre(clerc, D("2987.45"))
    client.force_login(clerc)
    url = reverse("echeancier_proposer", args=[dossier.reference])
    for saisie, message in (
        ("cent", "Mensualité proposée « cent » illisible"),
        ("0", "La mensualité proposée doit être supérieure à zéro."),
        ("-150", "La mensualité proposée doit être supérieure à zéro."),
        ("150,555", "La mensualité proposée s&#x27;exprime au centime"),
        ("0,01", "donnerait 298745 échéances"),
    ):
        page = client.get(url, {"mensualite": saisie}).content.decode()
        assert message in page, saisie
        assert "Le débiteur accepte son offre" not in page
    reponse = client.post(
        reverse("echeancier_accepter", args=[dossier.reference]),
        {"mensualite": "abc", "premiere": "2025-06-10"},
        follow=True,
    )
    assert "Mensualité proposée « abc » illisible" in reponse.content.decode()
    reponse = client.post(
        reverse("echeancier_accepter", args=[dossier.reference]),
        {"mensualite": "10", "premiere": "2025-06-10"},
        follow=True,
    )
    assert "donnerait 299 échéances" in reponse.content.decode()
    assert not Echeancier.objects.exists()


def _texte_pdf(contenu: bytes) -> str:
    from pypdf import PdfReader

    texte = "".join(page.extract_text() for page in PdfReader(BytesIO(contenu)).pages)
    return " ".join(texte.replace("\u00a0", " ").replace("\u202f", " ").split())


@time_machine.travel(LUNDI, tick=False)
def test_emolument_a444_44_sur_les_propositions_et_le_plan_a_signer(client, clerc):
    # Dossier à titre exécutoire, 5 050 EUR dus ; le débiteur offre 600 EUR par mois :
    # 9 échéances (8 x 600 = 4 800, la dernière de 250), du 10/06/2025 au 10/02/2026.
    # A444-44 : les 8 acomptes (le solde ne compte pas) x 6,44 = 51,52 EUR HT, au-delà du
    # plafond de 33,07 EUR HT ; TVA 20 % : 6,614 -> 6,61 ; TTC 39,68 EUR.
    debiteur = creer_debiteur(etude=clerc.etude, revenus_mensuels_nets=D("1800.00"))
    dossier = creer_dossier(acteur=clerc, debiteurs=[debiteur])
    client.force_login(clerc)
    url = reverse("echeancier_proposer", args=[dossier.reference])
    page = client.get(url, {"mensualite": "600", "premiere": "2025-06-10"}).content.decode()
    offre = page[page.index('id="offre"') : page.index("</section>", page.index('id="offre"'))]
    assert "9 échéances de 600,00\u00a0EUR" in offre
    assert "Émolument A444-44 : 33,07\u00a0EUR HT, 39,68\u00a0EUR TTC (TVA 20 %)" in offre
    # Les propositions calculées : 18 échéances jusqu'au 10/11/2026, au-delà du tarif saisi
    # (après le 28/02/2026) : le montant n'est pas inventé, l'écran le dit.
    tableau = page[page.index("<caption>Propositions") :]
    assert "Émolument A444-44 non calculé" in tableau
    assert "Aucune période du tarif des commissaires de justice" in tableau
    # Un plan soldé dans les six mois du premier versement ne coûte rien (A444-44).
    court = client.get(url, {"mensualite": "1000", "premiere": "2025-06-10"}).content.decode()
    assert "Émolument A444-44 : 0,00\u00a0EUR HT, 0,00\u00a0EUR TTC" in court

    client.post(
        reverse("echeancier_accepter", args=[dossier.reference]),
        {"mensualite": "600", "premiere": "2025-06-10"},
    )
    plan = Echeancier.objects.get(dossier=dossier)
    assert plan.etat == EtatEcheancier.EN_COURS and plan.nombre == 9
    texte = _texte_pdf(client.get(reverse("echeancier_pdf", args=[plan.pk])).content)
    assert "33,07 EUR HT, soit 39,68 EUR TTC (TVA 20 %)" in texte
    assert "A444-44" in texte and "8 acompte(s)" in texte
