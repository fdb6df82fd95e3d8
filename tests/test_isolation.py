"""Balayage du cloisonnement : chaque route du projet, construite avec les objets de
l'étude A, demandée par un utilisateur de l'étude B, répond 404 ; le rôle « lecture » ne
peut rien écrire. Une nouvelle route doit être déclarée ici, sinon un test échoue."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from dossiers.services import piece_ajouter
from tests.factories import creer_creancier, creer_debiteur, creer_dossier

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _procedure_a(o):
    """Une saisie-attribution du dossier de A (créée à la première demande)."""
    if "procedure" not in o:
        from tests.factories import creer_procedure

        o["procedure"] = creer_procedure(
            acteur=o["dossier"].clerc, type="saisie_attribution", dossier=o["dossier"]
        )
    return o["procedure"]


def _intervention_a(o):
    """Une opposition d'un autre créancier de A sur une saisie-vente de A (écrite par l'ORM :
    seule compte ici l'appartenance à l'étude)."""
    if "intervention" not in o:
        from django.utils import timezone

        from procedures.models import Intervention
        from tests.factories import creer_creancier, creer_procedure

        vente = creer_procedure(
            acteur=o["dossier"].clerc, type="saisie_vente", dossier=o["dossier"]
        )
        o["intervention"] = Intervention.objects.create(
            etude_id=vente.etude_id,
            procedure=vente,
            creancier=creer_creancier(etude=vente.etude, raison_sociale="Opposant A"),
            titre="Jugement",
            montant=Decimal("100.00"),
            acte_le=timezone.now(),
            cree_par=o["dossier"].clerc,
        )
    return o["intervention"]


def _repartition_a(o):
    """Une répartition sur la saisie-vente de A (écrite par l'ORM : seule compte ici
    l'appartenance à l'étude)."""
    if "repartition" not in o:
        from datetime import date

        from procedures.models import Repartition

        intervention = _intervention_a(o)
        o["repartition"] = Repartition.objects.create(
            etude_id=intervention.etude_id,
            procedure=intervention.procedure,
            le=date(2026, 6, 1),
            montant=Decimal("100.00"),
            cree_par=o["dossier"].clerc,
        )
    return o["repartition"]


def _approbation_a(o):
    """Une demande d'approbation en attente sur la procédure de A."""
    if "approbation" not in o:
        from procedures.services import approbation_demander

        o["approbation"] = approbation_demander(
            acteur=o["dossier"].clerc, procedure=_procedure_a(o), transition="signifier"
        )
    return o["approbation"]


def _versement_a(o):
    """Un versement au dossier de A : ses écritures sont celles qu'on contre-passerait."""
    if "versement" not in o:
        from comptabilite.services import versement_enregistrer

        o["versement"] = versement_enregistrer(
            acteur=o["dossier"].clerc,
            dossier=o["dossier"],
            montant=Decimal("100.00"),
            date_valeur=date(2026, 3, 15),
            mode="cheque",
        )
    return o["versement"]


def _ecriture_a(o):
    from comptabilite.models import Ecriture

    return Ecriture.objects.filter(versement=_versement_a(o)).order_by("id").first()


def _ligne_releve_a(o):
    """Une ligne d'un relevé camt.053 importé par A, rapprochée de son dossier."""
    if "ligne" not in o:
        from comptabilite.models import LigneReleve
        from comptabilite.services import releve_importer
        from tests.comptabilite.test_camt053 import credit, releve_xml

        resultat = releve_importer(
            acteur=o["dossier"].clerc,
            nom_fichier="releve-a.xml",
            donnees=releve_xml(credit("250.00", f"Remise {o['dossier'].reference}", "REF-A")),
        )
        o["releve"] = resultat.releve
        o["ligne"] = LigneReleve.objects.get(releve=resultat.releve)
    return o["ligne"]


def _releve_a(o):
    _ligne_releve_a(o)
    return o["releve"]


def _debours_a(o):
    """Un débours de A au-delà du seuil (il attend la validation), avec son justificatif."""
    if "debours" not in o:
        from comptabilite.services import debours_enregistrer

        o["debours"] = debours_enregistrer(
            acteur=o["dossier"].clerc,
            dossier=o["dossier"],
            libelle="Frais de serrurier secrets",
            montant=Decimal("450.00"),
            date_depense=date(2026, 3, 15),
            justificatif=SimpleUploadedFile("recu.pdf", PDF, content_type="application/pdf"),
        )
    return o["debours"]


def _relances_a(o):
    """Un scénario de A (lettre puis appel), sa campagne, son appel, ses lettres du jour."""
    if "relances" not in o:
        from dossiers.models import TelephoneDebiteur
        from relances.lettres import lettres_du_jour
        from relances.models import Appel, Campagne, EtapeScenario, Scenario
        from relances.services.campagnes import campagne_lancer, scenario_affecter

        clerc = o["dossier"].clerc
        scenario = Scenario.objects.create(etude=clerc.etude, nom="Secret A")
        EtapeScenario.objects.create(scenario=scenario, rang=1, apres_jours=0, canal="lettre")
        EtapeScenario.objects.create(scenario=scenario, rang=2, apres_jours=0, canal="appel")
        TelephoneDebiteur.objects.create(debiteur=o["debiteur"], numero="+33600000001")
        scenario_affecter(
            acteur=clerc, dossier=o["dossier"], scenario=scenario, le=date(2026, 3, 2)
        )
        campagne_lancer(etude=clerc.etude, le=date(2026, 3, 2))
        lot = lettres_du_jour(etude_id=clerc.etude_id, le=date(2026, 3, 2))
        campagne_lancer(etude=clerc.etude, le=date(2026, 3, 3))
        from relances.envoi import envoyer_paquet
        from relances.models import Envoi

        envoyer_paquet(list(Envoi.objects.filter(canal="appel").values_list("id", flat=True)))
        o["relances"] = {
            "scenario": scenario,
            "campagne": Campagne.objects.filter(etude=clerc.etude).first(),
            "appel": Appel.objects.get(dossier=o["dossier"]),
            "lot": lot,
        }
    return o["relances"]


def _tache_a(o):
    """Une tâche du clerc de A, rattachée à l'envoi de sa lettre (écrite par l'ORM : seule
    compte ici l'appartenance à l'étude)."""
    if "tache" not in o:
        from relances.models import Envoi, Tache

        relances = _relances_a(o)
        envoi = Envoi.objects.get(dossier=o["dossier"], canal="lettre")
        o["tache"] = Tache.objects.create(
            etude_id=envoi.etude_id,
            envoi=envoi,
            dossier=o["dossier"],
            clerc=o["dossier"].clerc,
            prevue_le=relances["campagne"].le,
            texte="Proposer la voie judiciaire",
            voie_judiciaire=True,
        )
    return o["tache"]


def _etape_a(o):
    return _relances_a(o)["scenario"].etapes.order_by("rang").first()


def _echeancier_a(o):
    """Un échéancier accepté sur un second dossier de A (sur le premier, le plan arrêterait
    le scénario de relance dont `_relances_a` attend l'appel)."""
    if "echeancier" not in o:
        from django.utils import timezone

        from relances.services.echeanciers import echeancier_accepter

        aujourd_hui = timezone.localdate()
        o["echeancier"] = echeancier_accepter(
            acteur=o["dossier"].clerc,
            dossier=creer_dossier(acteur=o["dossier"].clerc, creancier=o["creancier"]),
            nombre=6,
            premiere=aujourd_hui,
            le=aujourd_hui,
        )
    return o["echeancier"]


def _lot_a(o):
    """Un lot de rendu de A (un document, pas encore rendu)."""
    if "lot" not in o:
        from actes.lots import DocumentARendre, lot_creer

        o["lot"] = lot_creer(
            acteur=o["dossier"].clerc,
            libelle="Lot secret A",
            documents=[DocumentARendre(nom_fichier="secret", html="<p>Secret</p>")],
        )
    return o["lot"]


def _reversement_a(o):
    """Un reversement au créancier de A (versement de 2025 : le tarif A444-32 est connu)."""
    if "reversement" not in o:
        from comptabilite.reversements import reversement_preparer
        from comptabilite.services import versement_enregistrer

        # Un dossier à part : les versements et le reversement ne changent pas l'état du
        # dossier de A dont se servent les autres routes (relances, échéanciers).
        clerc = o["dossier"].clerc
        creancier = creer_creancier(
            etude=clerc.etude,
            raison_sociale="Créancier Secret A bis",
            iban="FR1420041010050500013M02606",
        )
        dossier = creer_dossier(acteur=clerc, creancier=creancier)
        versement_enregistrer(
            acteur=clerc,
            dossier=dossier,
            montant=Decimal("900.00"),
            date_valeur=date(2025, 6, 15),
            mode="virement",
        )
        o["reversement"] = reversement_preparer(acteur=clerc, dossier=dossier)
    return o["reversement"]


def _lot_reversements_a(o):
    if "lot_reversements" not in o:
        from comptabilite.reversements import lot_creer, lot_emettre

        lot = lot_creer(
            acteur=o["dossier"].clerc,
            reversements=[_reversement_a(o)],
            date_execution=date.today(),
        )
        o["lot_reversements"] = lot_emettre(acteur=o["dossier"].clerc, lot=lot)
    return o["lot_reversements"]


def _acte_a(o):
    """Un brouillon d'acte (mise en demeure) du dossier de A."""
    if "acte" not in o:
        from actes.services import acte_rediger

        o["acte"] = acte_rediger(
            acteur=o["dossier"].clerc,
            dossier=o["dossier"],
            type_acte="mise_en_demeure",
            date_acte=date(2026, 1, 15),
        )
    return o["acte"]


def _modele_a(o):
    """Une version du modèle d'acte propre à l'étude A."""
    if "modele" not in o:
        from actes.models import ModeleActe

        o["modele"] = ModeleActe.objects.create(
            etude=o["dossier"].etude,
            type_acte="mise_en_demeure",
            version=1,
            gabarit="<p>Modèle secret de A</p>",
        )
    return o["modele"]


def _courriel_a(o):
    """Un courriel consenti du débiteur de A."""
    if "courriel" not in o:
        from dossiers.models import EmailDebiteur

        o["courriel"] = EmailDebiteur.objects.create(
            debiteur=o["debiteur"], adresse="zorglub@exemple.fr", consentement=True
        )
    return o["courriel"]


def _telephone_a(o):
    """Un mobile du débiteur de A (autre numéro que celui de `_relances_a`)."""
    if "telephone" not in o:
        from dossiers.models import TelephoneDebiteur

        o["telephone"] = TelephoneDebiteur.objects.create(
            debiteur=o["debiteur"], numero="+33600000009", consentement_sms=True
        )
    return o["telephone"]


# Routes à arguments : comment les construire avec les objets de l'étude A.
ROUTES_A_ARGUMENTS = {
    "dossier_detail": lambda o: {"reference": o["dossier"].reference},
    "piece_ajouter": lambda o: {"reference": o["dossier"].reference},
    "piece_telecharger": lambda o: {"reference": o["dossier"].reference, "pk": o["piece"].pk},
    "creancier_modifier": lambda o: {"reference": o["dossier"].reference},
    "debiteur_modifier": lambda o: {
        "reference": o["dossier"].reference,
        "pk": o["debiteur"].pk,
    },
    "courriel_regler": lambda o: {"reference": o["dossier"].reference, "pk": _courriel_a(o).pk},
    "telephone_regler": lambda o: {
        "reference": o["dossier"].reference,
        "pk": _telephone_a(o).pk,
    },
    "procedure_ouvrir": lambda o: {"reference": o["dossier"].reference},
    "procedure_detail": lambda o: {"pk": _procedure_a(o).pk},
    "procedure_etape": lambda o: {"pk": _procedure_a(o).pk, "transition": "abandonner"},
    "procedure_approbation_demander": lambda o: {
        "pk": _procedure_a(o).pk,
        "transition": "signifier",
    },
    "approbation_decider": lambda o: {"pk": _approbation_a(o).pk},
    "procedure_intervention_former": lambda o: {"pk": _procedure_a(o).pk},
    "procedure_repartition": lambda o: {"pk": _procedure_a(o).pk},
    "intervention_denoncer": lambda o: {"pk": _intervention_a(o).pk},
    "intervention_inscrire": lambda o: {"pk": _intervention_a(o).pk},
    "repartition_contre_passer": lambda o: {"pk": _repartition_a(o).pk},
    # Le flux iCalendar s'authentifie par son seul jeton : un jeton inconnu répond 404 (le
    # cloisonnement par utilisateur et par étude est testé dans test_vues_delais.py).
    "delais_ical": lambda o: {"jeton": "jeton-inconnu-de-quarante-trois-caracteres"},
    "comptabilite_decompte": lambda o: {"reference": o["dossier"].reference},
    "comptabilite_decompte_pdf": lambda o: {"reference": o["dossier"].reference},
    "comptabilite_versement": lambda o: {"reference": o["dossier"].reference},
    "comptabilite_contre_passation": lambda o: {
        "reference": o["dossier"].reference,
        "pk": _ecriture_a(o).pk,
    },
    "comptabilite_debours": lambda o: {"reference": o["dossier"].reference},
    "comptabilite_releve": lambda o: {"pk": _releve_a(o).pk},
    "comptabilite_ligne_confirmer": lambda o: {"pk": _ligne_releve_a(o).pk},
    "comptabilite_ligne_ignorer": lambda o: {"pk": _ligne_releve_a(o).pk},
    "comptabilite_debours_justificatif": lambda o: {"pk": _debours_a(o).pk},
    "relances_campagne": lambda o: {"pk": _relances_a(o)["campagne"].pk},
    "relances_scenario": lambda o: {"pk": _relances_a(o)["scenario"].pk},
    "relances_scenario_modifier": lambda o: {"pk": _relances_a(o)["scenario"].pk},
    "relances_etape_ajouter": lambda o: {"pk": _relances_a(o)["scenario"].pk},
    "relances_etape_retirer": lambda o: {"pk": _etape_a(o).pk},
    "relances_etape_reactiver": lambda o: {"pk": _etape_a(o).pk},
    "relances_etape_deplacer": lambda o: {"pk": _etape_a(o).pk},
    "relances_dossier_scenario": lambda o: {"reference": o["dossier"].reference},
    "relances_dossier_contestation": lambda o: {"reference": o["dossier"].reference},
    "relances_appel_resultat": lambda o: {"pk": _relances_a(o)["appel"].pk},
    "relances_tache_faite": lambda o: {"pk": _tache_a(o).pk},
    "relances_lettres_pdf": lambda o: {"pk": _relances_a(o)["lot"].pk},
    "echeancier_proposer": lambda o: {"reference": o["dossier"].reference},
    "echeancier_propositions": lambda o: {"reference": o["dossier"].reference},
    "echeancier_accepter": lambda o: {"reference": o["dossier"].reference},
    "echeancier_detail": lambda o: {"pk": _echeancier_a(o).pk},
    "echeancier_pdf": lambda o: {"pk": _echeancier_a(o).pk},
    "echeancier_decider": lambda o: {"pk": _echeancier_a(o).pk},
    "echeancier_rapprocher": lambda o: {"pk": _echeancier_a(o).pk},
    "echeancier_mettre_en_demeure": lambda o: {"pk": _echeancier_a(o).pk},
    "echeancier_decheance": lambda o: {"pk": _echeancier_a(o).pk},
    "echeancier_mise_en_demeure_pdf": lambda o: {"pk": _echeancier_a(o).pk},
    "actes_lot": lambda o: {"pk": _lot_a(o).pk},
    "actes_lot_progression": lambda o: {"pk": _lot_a(o).pk},
    "actes_lot_telecharger": lambda o: {"pk": _lot_a(o).pk},
    "actes_lot_pdf": lambda o: {"pk": _lot_a(o).pk},
    "comptabilite_reversement_nouveau": lambda o: {"reference": o["dossier"].reference},
    "comptabilite_reversement": lambda o: {"pk": _reversement_a(o).pk},
    "comptabilite_reversement_pdf": lambda o: {"pk": _reversement_a(o).pk},
    "comptabilite_reversement_annuler": lambda o: {"pk": _reversement_a(o).pk},
    "comptabilite_lot": lambda o: {"pk": _lot_reversements_a(o).pk},
    "comptabilite_lot_fichier": lambda o: {"pk": _lot_reversements_a(o).pk},
    "acte_rediger": lambda o: {"pk": _procedure_a(o).pk},
    "acte_rediger_dossier": lambda o: {"reference": o["dossier"].reference},
    "acte_detail": lambda o: {"pk": _acte_a(o).pk},
    "acte_modifier": lambda o: {"pk": _acte_a(o).pk},
    "acte_finaliser": lambda o: {"pk": _acte_a(o).pk},
    "acte_pdf": lambda o: {"pk": _acte_a(o).pk},
    "acte_signifier": lambda o: {"pk": _acte_a(o).pk},
    "modele_acte": lambda o: {"pk": _modele_a(o).pk},
}

# Routes qui écrivent : le rôle « lecture » reçoit 403.
ECRITURES = {
    # Actes : rédiger (GET : choix du type et formulaire), modifier, finaliser, signifier ;
    # un modèle d'acte (GET : lecture, POST : nouvelle version, principal clerc).
    "acte_rediger",
    "acte_rediger_dossier",
    "acte_modifier",
    "acte_finaliser",
    "acte_signifier",
    "modele_acte",
    "dossier_nouveau",
    "piece_ajouter",
    "debiteur_modifier",
    "creancier_modifier",
    # Consentements et oppositions des coordonnées du débiteur (POST seulement).
    "courriel_regler",
    "telephone_regler",
    "procedure_ouvrir",
    "procedure_etape",
    "procedure_approbation_demander",
    "procedure_intervention_former",
    "procedure_repartition",
    "intervention_denoncer",
    "intervention_inscrire",
    "repartition_contre_passer",
    "delais_abonnement",
    "delais_abonnement_revoquer",
    # Réservées au principal clerc et au commissaire : 403 pour la lecture, en GET aussi.
    "approbations_file",
    "approbation_decider",
    "comptabilite_versement",
    "comptabilite_contre_passation",
    "comptabilite_debours",
    "comptabilite_ligne_confirmer",
    "comptabilite_ligne_ignorer",
    # Lecture en GET (liste de l'étude de l'utilisateur, voir le test plus bas), écriture en
    # POST : import d'un relevé ; validation d'un débours (principal clerc et commissaire).
    "comptabilite_releves",
    "comptabilite_debours_a_valider",
    "relances_campagne_lancer",
    # Définition des scénarios : principal clerc et commissaire (403 pour les autres).
    "relances_scenario_nouveau",
    "relances_scenario_modifier",
    "relances_etape_ajouter",
    "relances_etape_retirer",
    "relances_etape_reactiver",
    "relances_etape_deplacer",
    "relances_dossier_scenario",
    "relances_dossier_contestation",
    "relances_appel_resultat",
    "relances_tache_faite",
    "echeancier_accepter",
    "echeancier_decider",
    "echeancier_rapprocher",
    "echeancier_mettre_en_demeure",
    "echeancier_decheance",
    "comptabilite_reversement_nouveau",
    "comptabilite_reversement_annuler",
    "comptabilite_lot_nouveau",
    # Lecture en GET (le lot et ses lignes), écriture en POST (retirer, émettre).
    "comptabilite_lot",
}
# Routes de lecture : elles refusent POST (405) et ne montrent que l'étude de l'utilisateur.
LECTURES = {
    "acte_detail",
    "acte_pdf",
    "modeles_actes",
    "accueil",
    "bureau",
    "dossier_liste",
    "dossier_recherche",
    "dossier_detail",
    "piece_telecharger",
    "creancier_recherche",
    "debiteur_recherche",
    "procedure_detail",
    "delais_tableau",
    "comptabilite_decompte",
    "comptabilite_decompte_pdf",
    "comptabilite_releve",
    "comptabilite_debours_justificatif",
    "relances_accueil",
    "relances_campagne",
    "relances_scenario",
    "relances_appels",
    "relances_lettres_pdf",
    "relances_resultats",
    "echeancier_proposer",
    "echeancier_propositions",
    "echeancier_detail",
    "echeancier_pdf",
    "echeancier_mise_en_demeure_pdf",
    "echeanciers_liste",
    "echeanciers_politique",
    "relances_reglage",
    "relances_taches",
    "actes_lots",
    "actes_lot",
    "actes_lot_progression",
    "actes_lot_telecharger",
    "actes_lot_pdf",
    "comptabilite_reversements",
    "comptabilite_reversement",
    "comptabilite_reversement_pdf",
    "comptabilite_lot_fichier",
    "comptabilite_fonds_detenus",
}
# Le compte de l'utilisateur lui-même (pas de données d'une étude).
COMPTE = {"connexion", "deconnexion", "verification", "double_facteur", "delais_ical"}
# Appels de serveur à serveur, authentifiés par un secret (pas de session) : POST seulement,
# refusés sans le secret (tests/relances/test_rebonds.py).
WEBHOOKS = {"relances_rebonds"}


def _routes(motifs=None, prefixe=""):
    """(nom, motif complet, a des arguments) de toutes les routes, hors admin et static."""
    motifs = get_resolver().url_patterns if motifs is None else motifs
    for motif in motifs:
        chemin = prefixe + str(motif.pattern)
        if isinstance(motif, URLResolver):
            if motif.namespace == "admin" or chemin.startswith(("admin", "static")):
                continue
            yield from _routes(motif.url_patterns, chemin)
        elif isinstance(motif, URLPattern):
            if chemin.startswith(("admin", "static", "media")):
                continue
            a_arguments = bool(motif.pattern.regex.groupindex) or motif.pattern.regex.groups > 0
            yield motif.name, chemin, a_arguments


def test_toute_route_est_couverte_par_le_balayage():
    routes = list(_routes())
    sans_nom = [chemin for nom, chemin, _ in routes if not nom]
    assert not sans_nom, f"Routes sans nom (le balayage ne peut pas les construire) : {sans_nom}"
    a_arguments = {nom for nom, _, args in routes if args}
    assert a_arguments == set(ROUTES_A_ARGUMENTS), (
        "Une route à arguments n'est pas couverte par le balayage d'isolation : "
        f"{sorted(a_arguments ^ set(ROUTES_A_ARGUMENTS))}. Ajoutez-la à ROUTES_A_ARGUMENTS."
    )
    noms = {nom for nom, _, _ in routes}
    classees = ECRITURES | LECTURES | COMPTE | WEBHOOKS
    assert noms == classees, (
        f"Route non classée (écriture, lecture ou compte) : {sorted(noms ^ classees)}"
    )


@pytest.fixture
def objets_a(clerc, settings, tmp_path):
    """Les objets de l'étude A : un dossier, son débiteur, son créancier, une pièce."""
    settings.MEDIA_ROOT = tmp_path
    creancier = creer_creancier(etude=clerc.etude, raison_sociale="Créancier Secret A")
    debiteur = creer_debiteur(etude=clerc.etude, nom="Zorglub", ville="Besançon")
    dossier = creer_dossier(acteur=clerc, creancier=creancier, debiteurs=[debiteur])
    piece = piece_ajouter(
        acteur=clerc,
        dossier=dossier,
        type_piece="titre",
        fichier=SimpleUploadedFile("secret.pdf", PDF, content_type="application/pdf"),
    )
    return {"dossier": dossier, "debiteur": debiteur, "creancier": creancier, "piece": piece}


def _url(nom, objets):
    if nom in ROUTES_A_ARGUMENTS:
        return reverse(nom, kwargs=ROUTES_A_ARGUMENTS[nom](objets))
    return reverse(nom)


@pytest.mark.parametrize("nom", sorted(ROUTES_A_ARGUMENTS))
def test_un_utilisateur_d_une_autre_etude_recoit_404(client, autre_etude, objets_a, nom):
    client.force_login(autre_etude)
    url = _url(nom, objets_a)
    reponse_get = client.get(url)
    # 405 : route en POST seulement, refusée avant toute lecture.
    assert reponse_get.status_code in (404, 405), (url, reponse_get.status_code)
    if nom in ECRITURES:
        assert client.post(url, {"type_piece": "titre", "nom": "X"}).status_code == 404, url
    objets_a["debiteur"].refresh_from_db()
    assert objets_a["debiteur"].nom == "Zorglub"


def test_meme_reference_dans_l_autre_etude_ne_donne_pas_les_objets_de_a(
    client, autre_etude, objets_a
):
    """L'étude B a son propre dossier de même référence : la pièce et le débiteur de A
    restent introuvables à travers lui."""
    dossier_b = creer_dossier(acteur=autre_etude)
    assert dossier_b.reference == objets_a["dossier"].reference
    client.force_login(autre_etude)
    reponse = client.get(dossier_b.get_absolute_url())
    assert reponse.status_code == 200
    assert "ZORGLUB" not in reponse.content.decode().upper()
    for nom in ("piece_telecharger", "debiteur_modifier"):
        url = _url(nom, objets_a)
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("nom", sorted(LECTURES - {"accueil"} - set(ROUTES_A_ARGUMENTS)))
def test_les_listes_et_recherches_de_l_autre_etude_ne_montrent_rien_de_a(
    client, autre_etude, objets_a, nom
):
    client.force_login(autre_etude)
    for terme in ("Zorglub", "Secret", "Besançon", objets_a["dossier"].reference):
        reponse = client.get(
            reverse(nom),
            {
                "q": terme,
                "creancier-q": terme,
                "debiteurs-0-q": terme,
                "champ": "debiteurs-0-existant" if nom == "debiteur_recherche" else "",
            },
            headers={"HX-Request": "true"},
        )
        assert reponse.status_code == 200, nom
        contenu = reponse.content.decode()
        # Ni la désignation du débiteur ou du créancier de A, ni un lien vers son dossier,
        # ni un choix de sa partie dans l'autocomplétion (le terme cherché, lui, est répété).
        assert objets_a["debiteur"].designation not in contenu, (nom, terme)
        assert "Créancier Secret A" not in contenu, (nom, terme)
        assert objets_a["dossier"].get_absolute_url() not in contenu, (nom, terme)
        assert f'-existant-{objets_a["debiteur"].pk}"' not in contenu
        assert f'-existant-{objets_a["creancier"].pk}"' not in contenu


def test_releves_et_debours_a_valider_de_l_autre_etude_ne_montrent_rien_de_a(
    client, autre_etude, objets_a
):
    """Ces deux pages sont des écritures en POST mais des listes en GET : la liste de
    l'étude B ne montre ni le relevé, ni la ligne, ni le débours de A."""
    releve, debours = _releve_a(objets_a), _debours_a(objets_a)
    for utilisateur, visibles in ((objets_a["dossier"].clerc, True), (autre_etude, False)):
        client.force_login(utilisateur)
        _listes_comptables_montrent(client, releve, debours, objets_a, visibles)


def _listes_comptables_montrent(client, releve, debours, objets_a, visibles):
    """Témoin : le clerc de A voit ses objets (la page les montrerait s'ils fuyaient)."""
    for nom, secrets in (
        (
            "comptabilite_releves",
            ["releve-a.xml", reverse("comptabilite_releve", args=[releve.pk])],
        ),
        (
            "comptabilite_debours_a_valider",
            [
                "Frais de serrurier secrets",
                reverse("comptabilite_debours_justificatif", args=[debours.pk]),
                objets_a["dossier"].reference,
            ],
        ),
    ):
        reponse = client.get(reverse(nom))
        assert reponse.status_code == 200, nom
        contenu = reponse.content.decode()
        for secret in secrets:
            assert (secret in contenu) is visibles, (nom, secret, visibles)


def test_un_clerc_de_l_autre_etude_ne_valide_pas_le_debours_de_a(
    client, autre_etude_obj, objets_a
):
    from comptabilite.models import StatutDebours
    from tests.factories import creer_utilisateur

    debours = _debours_a(objets_a)
    principal_b = creer_utilisateur(etude=autre_etude_obj, role="principal_clerc", username="pb")
    client.force_login(principal_b)
    url = reverse("comptabilite_debours_a_valider")
    reponse = client.post(url, {"pk": debours.pk, "decision": "valider"})
    assert reponse.status_code == 404
    debours.refresh_from_db()
    assert debours.statut == StatutDebours.A_VALIDER


@pytest.mark.parametrize("nom", sorted(ECRITURES | LECTURES))
def test_le_role_lecture_ne_peut_rien_poster(client, lecture, objets_a, nom):
    client.force_login(lecture)
    url = _url(nom, objets_a)
    reponse = client.post(url, {"type_piece": "titre", "nom": "Modifié"})
    if nom in ECRITURES:
        assert reponse.status_code == 403, url
    else:
        assert reponse.status_code in (403, 405), url
    objets_a["debiteur"].refresh_from_db()
    assert objets_a["debiteur"].nom == "Zorglub"


@pytest.mark.parametrize("nom", sorted(LECTURES - {"creancier_recherche", "debiteur_recherche"}))
def test_le_role_lecture_peut_consulter(client, lecture, objets_a, nom):
    client.force_login(lecture)
    reponse = client.get(_url(nom, objets_a))
    assert reponse.status_code in (200, 302), nom


def test_sans_connexion_tout_renvoie_a_la_page_de_connexion(client, objets_a):
    for nom in sorted(ECRITURES | LECTURES - {"accueil"}):
        reponse = client.get(_url(nom, objets_a))
        if reponse.status_code == 405:
            continue
        assert reponse.status_code == 302, nom
        assert reponse.url.startswith(reverse("connexion")), nom
