"""Fiche dossier (panneau « Procédures ») et page d'une procédure : chaque POST appelle un
service ; refus du droit, attente d'approbation et erreurs de saisie deviennent des messages
en français ; rien n'est écrit à moitié."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from procedures import services
from procedures.models import Approbation, Delai, Procedure, SaisieAttribution
from tests.factories import (
    creer_debiteur,
    creer_dossier,
    creer_procedure,
    creer_regle_approbation,
)
from tests.procedures.outils import paris


def _messages(reponse):
    return [str(m) for m in get_messages(reponse.wsgi_request)]


@pytest.fixture
def attribution(clerc):
    return creer_procedure(acteur=clerc, type="saisie_attribution")


def _etape(procedure, transition):
    return reverse("procedure_etape", args=[procedure.pk, transition])


def _prefixe(procedure, transition):
    return f"p{procedure.pk}-{transition}"


def test_la_fiche_montre_procedure_etat_etapes_et_formulaire_d_ouverture(
    client, clerc, attribution
):
    client.force_login(clerc)
    reponse = client.get(attribution.dossier.get_absolute_url())
    assert reponse.status_code == 200
    contenu = reponse.content.decode()
    assert f'id="procedure-{attribution.pk}"' in contenu
    assert "Ouverte : acte de saisie à signifier" in contenu
    # Étape possible d'après la machine : signifier (avec l'heure, R211-1) et abandonner.
    assert "Signifier l&#x27;acte de saisie" in contenu
    assert f'name="{_prefixe(attribution, "signifier")}-signifie_le_1"' in contenu
    assert 'type="time"' in contenu
    assert "Abandonner (mainlevée)" in contenu
    # Étape réservée à la nuit : jamais proposée.
    assert "constater_caducite" not in contenu
    assert "Commencer une procédure" in contenu


def test_la_fiche_du_role_lecture_ne_propose_aucune_action(client, lecture, clerc, attribution):
    client.force_login(lecture)
    contenu = client.get(attribution.dossier.get_absolute_url()).content.decode()
    assert "Ouverte : acte de saisie à signifier" in contenu
    assert "Commencer une procédure" not in contenu
    assert "procedure_etape" not in contenu and "/etapes/" not in contenu


def test_ouvrir_une_procedure_depuis_la_fiche(client, clerc):
    dossier = creer_dossier(acteur=clerc)
    client.force_login(clerc)
    reponse = client.post(
        reverse("procedure_ouvrir", args=[dossier.reference]),
        {
            "ouvrir-type": "saisie_vente",
            "ouvrir-debiteur": dossier.debiteurs.first().pk,
            "ouvrir-titre": dossier.titres.first().pk,
        },
    )
    procedure = Procedure.objects.get(dossier=dossier)
    assert reponse.status_code == 302
    assert reponse.url.endswith(f"#procedure-{procedure.pk}")
    assert procedure.type == "saisie_vente"
    assert "Saisie-vente ouverte : Ouverte : commandement à signifier." in _messages(reponse)


def test_ouvrir_sans_titre_est_refuse_avec_l_article(client, clerc):
    dossier = creer_dossier(acteur=clerc)
    client.force_login(clerc)
    reponse = client.post(
        reverse("procedure_ouvrir", args=[dossier.reference]),
        {"ouvrir-type": "saisie_attribution", "ouvrir-debiteur": dossier.debiteurs.first().pk},
    )
    assert reponse.status_code == 302
    assert any("CPCE L111-2" in m for m in _messages(reponse))
    assert not Procedure.objects.filter(dossier=dossier).exists()


def test_ouvrir_contre_un_debiteur_surendette_est_refuse_L722_2(client, clerc):
    debiteur = creer_debiteur(
        etude=clerc.etude,
        surendettement_statut="recevable",
        surendettement_decision=date(2026, 2, 1),
    )
    dossier = creer_dossier(acteur=clerc, debiteurs=[debiteur])
    client.force_login(clerc)
    reponse = client.post(
        reverse("procedure_ouvrir", args=[dossier.reference]),
        {
            "ouvrir-type": "saisie_attribution",
            "ouvrir-debiteur": debiteur.pk,
            "ouvrir-titre": dossier.titres.first().pk,
        },
        follow=True,
    )
    contenu = reponse.content.decode()
    assert "C. consom. L722-2" in contenu
    assert not Procedure.objects.filter(dossier=dossier).exists()


def test_signifier_avec_date_et_heure_fait_avancer_et_ouvre_les_delais(client, clerc, attribution):
    client.force_login(clerc)
    p = _prefixe(attribution, "signifier")
    reponse = client.post(
        _etape(attribution, "signifier"),
        {
            f"{p}-signifie_le_0": "2026-03-02",
            f"{p}-signifie_le_1": "10:15",
            f"{p}-tiers_saisi": "Banque Populaire",
            f"{p}-compte_bancaire": "on",
        },
        follow=True,
    )
    attribution.refresh_from_db()
    assert attribution.etat == "saisie_signifiee"
    assert attribution.signifie_le == paris(2026, 3, 2, 10, 15)
    assert attribution.compte_bancaire is True
    contenu = reponse.content.decode()
    assert "Signifier l&#x27;acte de saisie : enregistré." in contenu
    # Le délai de dénonciation apparaît sur la fiche avec son article et sa sanction.
    assert "Dénoncer la saisie au débiteur" in contenu
    assert "CPCE R211-3" in contenu and "caducité de la saisie" in contenu
    assert "10/03/2026" in contenu
    # Autre lecture de l'indisponibilité (L162-1) affichée avec sa date.
    assert "Autre lecture : 19/03/2026" in contenu


def test_heure_manquante_refusee_sans_rien_ecrire(client, clerc, attribution):
    client.force_login(clerc)
    p = _prefixe(attribution, "signifier")
    reponse = client.post(
        _etape(attribution, "signifier"),
        {f"{p}-signifie_le_0": "2026-03-02", f"{p}-tiers_saisi": "Banque"},
    )
    # Le formulaire est réaffiché, ouvert, avec la saisie et l'erreur sur le champ.
    assert reponse.status_code == 400
    assert any("heure" in m for m in _messages(reponse))
    page = reponse.content.decode()
    assert f'id="etape-{attribution.pk}-signifier" open' in page
    assert 'value="Banque"' in page
    attribution.refresh_from_db()
    assert attribution.etat == "ouverte"
    assert not Delai.objects.filter(procedure=attribution).exists()


def test_signification_un_dimanche_refusee_avec_l_article(client, clerc, attribution):
    client.force_login(clerc)
    p = _prefixe(attribution, "signifier")
    reponse = client.post(
        _etape(attribution, "signifier"),
        {
            f"{p}-signifie_le_0": "2026-03-01",  # dimanche
            f"{p}-signifie_le_1": "10:00",
            f"{p}-tiers_saisi": "Banque",
        },
    )
    messages = _messages(reponse)
    assert any("CPCE L141-1" in m and "dimanche" in m for m in messages), messages
    attribution.refresh_from_db()
    assert attribution.etat == "ouverte"
    assert not Delai.objects.filter(procedure=attribution).exists()


def test_denonciation_hors_delai_refusee_R211_3(client, clerc, attribution):
    services.saisie_attribution_signifier(
        acteur=clerc, procedure=attribution, signifie_le=paris(2026, 3, 2), tiers_saisi="B"
    )
    client.force_login(clerc)
    p = _prefixe(attribution, "denoncer")
    reponse = client.post(
        _etape(attribution, "denoncer"),
        {f"{p}-le_0": "2026-03-12", f"{p}-le_1": "09:00"},
    )
    assert any("CPCE R211-3" in m for m in _messages(reponse))
    attribution.refresh_from_db()
    assert attribution.etat == "saisie_signifiee"


def test_etape_hors_de_l_etat_refusee(client, clerc, attribution):
    client.force_login(clerc)
    p = _prefixe(attribution, "constater_paiement")
    reponse = client.post(
        _etape(attribution, "constater_paiement"), {f"{p}-le": "2026-04-15", f"{p}-montant": "10"}
    )
    assert any("n'est pas possible dans l'état" in m for m in _messages(reponse))
    attribution.refresh_from_db()
    assert attribution.etat == "ouverte"


def test_etape_inconnue_ou_de_la_nuit_404(client, clerc, attribution):
    client.force_login(clerc)
    assert client.post(_etape(attribution, "constater_caducite")).status_code == 404
    assert client.post(_etape(attribution, "save")).status_code == 404


def test_etape_soumise_a_approbation_cree_la_demande_puis_passe_apres_accord(
    client, clerc, principal_clerc
):
    dossier = creer_dossier(acteur=clerc, complexe=True)
    attribution = creer_procedure(acteur=clerc, type="saisie_attribution", dossier=dossier)
    creer_regle_approbation(
        etude=clerc.etude, type_procedure="saisie_attribution", transition="signifier"
    )
    client.force_login(clerc)
    p = _prefixe(attribution, "signifier")
    donnees = {
        f"{p}-signifie_le_0": "2026-03-02",
        f"{p}-signifie_le_1": "10:15",
        f"{p}-tiers_saisi": "Banque Populaire",
    }
    contenu = client.get(dossier.get_absolute_url()).content.decode()
    assert "cette étape attend l'approbation du principal clerc" in contenu
    reponse = client.post(_etape(attribution, "signifier"), donnees, follow=True)
    assert "la demande lui a été transmise" in reponse.content.decode()
    approbation = Approbation.objects.get(procedure=attribution, transition="signifier")
    attribution.refresh_from_db()
    assert attribution.etat == "ouverte"
    services.approbation_decider(
        acteur=principal_clerc, approbation=approbation, approuvee=True, commentaire="Vu."
    )
    contenu = client.get(dossier.get_absolute_url()).content.decode()
    assert "approuvée</strong> par" in contenu and "Vu." in contenu
    client.post(_etape(attribution, "signifier"), donnees)
    attribution.refresh_from_db()
    assert attribution.etat == "saisie_signifiee"


def test_apres_un_refus_le_clerc_voit_le_motif_et_redemande(client, clerc, principal_clerc):
    dossier = creer_dossier(acteur=clerc, complexe=True)
    attribution = creer_procedure(acteur=clerc, type="saisie_attribution", dossier=dossier)
    creer_regle_approbation(
        etude=clerc.etude, type_procedure="saisie_attribution", transition="signifier"
    )
    demande = services.approbation_demander(
        acteur=clerc, procedure=attribution, transition="signifier"
    )
    services.approbation_decider(
        acteur=principal_clerc, approbation=demande, approuvee=False, commentaire="Titre à revoir"
    )
    client.force_login(clerc)
    contenu = client.get(dossier.get_absolute_url()).content.decode()
    assert "Refusée</strong>" in contenu and "Titre à revoir" in contenu
    assert "Redemander l'approbation" in contenu
    reponse = client.post(
        reverse("procedure_approbation_demander", args=[attribution.pk, "signifier"]),
        {"commentaire": "Titre corrigé"},
    )
    assert reponse.status_code == 302
    assert Approbation.objects.filter(procedure=attribution, decision="").count() == 1


def test_page_procedure_historique_et_delais(client, clerc, lecture, attribution):
    services.saisie_attribution_signifier(
        acteur=clerc, procedure=attribution, signifie_le=paris(2026, 3, 2), tiers_saisi="B"
    )
    services.saisie_attribution_denoncer(acteur=clerc, procedure=attribution, le=paris(2026, 3, 9))
    for utilisateur in (clerc, lecture):
        client.force_login(utilisateur)
        reponse = client.get(reverse("procedure_detail", args=[attribution.pk]))
        assert reponse.status_code == 200
        contenu = reponse.content.decode()
        assert "Saisie-attribution dénoncée au débiteur" in contenu  # événement
        assert "Saisie-attribution signifiée à B" in contenu
        assert "Délai de contestation du débiteur (un mois)" in contenu
        assert "09/04/2026" in contenu
        assert "Respecté" in contenu  # le délai de dénonciation, fermé, reste à l'historique
    assert "/etapes/" not in contenu  # lecture : aucune étape proposée


def test_depuis_la_page_procedure_le_retour_se_fait_sur_la_page(client, clerc, attribution):
    client.force_login(clerc)
    p = _prefixe(attribution, "abandonner")
    reponse = client.post(
        _etape(attribution, "abandonner"),
        {f"{p}-motif": "Paiement direct", "retour": "detail"},
    )
    assert reponse.url == reverse("procedure_detail", args=[attribution.pk])
    assert SaisieAttribution.objects.get(pk=attribution.pk).etat == "abandonnee"


def test_parcours_jusqu_au_paiement_par_les_formulaires(client, clerc, attribution):
    client.force_login(clerc)

    def poster(transition, statut=302, **champs):
        p = _prefixe(attribution, transition)
        reponse = client.post(
            _etape(attribution, transition), {f"{p}-{k}": v for k, v in champs.items()}
        )
        assert reponse.status_code == statut
        return _messages(reponse)

    poster("signifier", signifie_le_0="2026-03-02", signifie_le_1="10:00", tiers_saisi="B")
    poster("enregistrer_declaration", le_0="2026-03-02", le_1="10:30", solde_declare="1 820,40")
    poster("denoncer", le_0="2026-03-09", le_1="11:00")
    refus = poster("delivrer_certificat_non_contestation", statut=400, le="2026-04-09")
    assert any("R211-11" in m for m in refus)
    poster("delivrer_certificat_non_contestation", le="2026-04-10")
    poster("constater_paiement", le="2026-04-15", montant="1173,88")
    attribution.refresh_from_db()
    assert attribution.etat == "payee"
    assert attribution.solde_declare == Decimal("1820.40")
    assert attribution.montant_paye == Decimal("1173.88")


def test_procedure_suspendue_par_le_surendettement_le_dit_sans_proposer_d_etape(
    client, clerc, attribution
):
    debiteur = attribution.debiteur
    debiteur.surendettement_statut = "recevable"
    debiteur.surendettement_decision = date(2026, 2, 1)
    debiteur.save()
    client.force_login(clerc)
    contenu = client.get(attribution.dossier.get_absolute_url()).content.decode()
    assert "C. consom. L722-2 : dossier de surendettement de" in contenu
    assert "déclaré recevable le 01/02/2026" in contenu
    assert f'id="etape-{attribution.pk}-signifier"' not in contenu
    # L'abandon (mainlevée) reste possible : il n'est pas une mesure d'exécution.
    assert f'id="etape-{attribution.pk}-abandonner"' in contenu
    # Et un POST direct est refusé par le service, article à l'appui.
    p = _prefixe(attribution, "signifier")
    reponse = client.post(
        _etape(attribution, "signifier"),
        {
            f"{p}-signifie_le_0": "2026-03-02",
            f"{p}-signifie_le_1": "10:00",
            f"{p}-tiers_saisi": "B",
        },
    )
    assert any("C. consom. L722-2" in m for m in _messages(reponse))
    attribution.refresh_from_db()
    assert attribution.etat == "ouverte"


def test_etape_refusee_par_le_droit_reaffiche_le_formulaire_avec_l_article(
    client, clerc, attribution
):
    """Une étape refusée (garde légale) : la fiche revient avec le formulaire ouvert, la
    saisie gardée et le message français (article compris) sur le formulaire ; pas de page
    d'erreur, rien d'écrit."""
    client.force_login(clerc)
    p = _prefixe(attribution, "signifier")
    reponse = client.post(
        _etape(attribution, "signifier"),
        {
            f"{p}-signifie_le_0": "2026-03-01",  # dimanche
            f"{p}-signifie_le_1": "10:00",
            f"{p}-tiers_saisi": "Banque du Rhône",
        },
    )
    assert reponse.status_code == 400
    page = reponse.content.decode()
    debut = page.index(f'id="etape-{attribution.pk}-signifier" open')
    bloc = page[debut : page.index("</details>", debut)]
    assert f'id="etape-{attribution.pk}-signifier-refus"' in bloc
    assert "CPCE L141-1 : aucune mesure d&#x27;exécution ni signification un dimanche" in bloc
    assert 'value="Banque du Rhône"' in bloc
    assert 'value="2026-03-01"' in bloc
    # La fiche entière est là (panneau des procédures, en-tête du dossier).
    assert attribution.dossier.reference in page
    attribution.refresh_from_db()
    assert attribution.etat == "ouverte"
    assert not Delai.objects.filter(procedure=attribution).exists()


def test_etape_refusee_depuis_la_page_de_la_procedure_y_revient(client, clerc, attribution):
    services.saisie_attribution_signifier(
        acteur=clerc, procedure=attribution, signifie_le=paris(2026, 3, 2), tiers_saisi="B"
    )
    client.force_login(clerc)
    p = _prefixe(attribution, "denoncer")
    reponse = client.post(
        _etape(attribution, "denoncer"),
        {f"{p}-le_0": "2026-03-12", f"{p}-le_1": "09:00", "retour": "detail"},
    )
    assert reponse.status_code == 400
    assert reponse.templates[0].name == "procedures/detail.html"
    page = reponse.content.decode()
    ouverte = f'id="etape-{attribution.pk}-denoncer" open'
    assert ouverte in page, re.findall(r'<details class="etape"[^>]*>|role="alert"[^<]*', page)
    debut = page.index(ouverte)
    bloc = page[debut : page.index("</details>", debut)]
    assert "CPCE R211-3 : la saisie est dénoncée au débiteur dans un délai de huit jours" in bloc
    assert 'value="2026-03-12"' in bloc
    attribution.refresh_from_db()
    assert attribution.etat == "saisie_signifiee"


def test_identifiants_html_sans_separateur_de_milliers(client, clerc):
    """USE_THOUSAND_SEPARATOR : « 12 345 » dans un id ou un nom de champ casserait l'ancre
    de la fiche et le formulaire d'étape dès la millième procédure."""
    from django.db import connection

    with connection.cursor() as curseur:
        curseur.execute(
            "SELECT setval(pg_get_serial_sequence('procedures_procedure', 'id'), 12344)"
        )
    procedure = creer_procedure(acteur=clerc, type="saisie_attribution")
    assert procedure.pk == 12345
    client.force_login(clerc)
    fiche = client.get(procedure.dossier.get_absolute_url()).content.decode()
    assert 'id="procedure-12345"' in fiche
    assert 'id="etape-12345-signifier"' in fiche
    assert 'name="p12345-signifier-tiers_saisi"' in fiche
