"""Test à états (Hypothesis) : suites aléatoires de versements, frais, passes de nuit,
versements antidatés, contre-passations et reversements au créancier sur un dossier. Après
chaque pas : le solde en cache égale la somme des écritures, le décompte égale le grand livre
(plus les intérêts pas encore passés), chaque versement est imputé au centime près (ni créé
ni perdu), aucun poste n'est négatif sauf l'excédent ; chaque reversement sort exactement ses
fonds (net + retenues), et les sorties des reversements égalent la somme des reversements ;
le droit A444-32 net retenu n'est jamais négatif ni au-delà du droit dû sur l'assiette
(principal, intérêts, article 700 : il est rendu quand un versement est contre-passé après un
reversement) ; les frais du créancier payés ne dépassent ni ses frais ni les parts imputées
sur les frais. Dates de 2025 : les taux y sont connus."""

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from comptabilite import grand_livre
from comptabilite.models import (
    Ecriture,
    NatureEcriture,
    Poste,
    Reversement,
    SoldeDossier,
    Versement,
)
from comptabilite.nuit import accruer_interets
from comptabilite.reversements import (
    droit_du,
    fonds_dossier,
    reversement_annule,
    reversement_annuler,
    reversement_preparer,
)
from comptabilite.services import (
    NATURES_CALCULEES,
    decompte_dossier,
    ecriture_contre_passer,
    frais_enregistrer,
    remise_enregistrer,
    versement_enregistrer,
)
from comptabilite.tarif import tva
from tests.factories import creer_creancier, creer_titre_comptable

pytestmark = pytest.mark.django_db

montants = st.decimals(
    min_value=D("0.01"), max_value=D("3000.00"), places=2, allow_nan=False, allow_infinity=False
)
FIN = date(2025, 12, 31)


class GrandLivre(RuleBasedStateMachine):
    acteur = None
    reversements_faits = 0
    droits_rendus = 0
    remises = 0

    def __init__(self):
        super().__init__()
        creancier = creer_creancier(etude=self.acteur.etude, iban="FR1420041010050500013M02606")
        # 800 € de frais alloués, dont 300 € d'article 700 (dans l'assiette A444-32).
        self.dossier = creer_titre_comptable(
            acteur=self.acteur, creancier=creancier, dont_article_700=D("300.00")
        )
        self.jour = date(2025, 4, 1)

    def avancer(self, jours: int) -> None:
        self.jour = min(FIN, self.jour + timedelta(days=jours))

    @rule(montant=montants, recul=st.integers(0, 20), avance=st.integers(0, 15))
    def verser(self, montant, recul, avance):
        self.avancer(avance)
        jour = max(date(2025, 3, 15), self.jour - timedelta(days=recul))
        versement_enregistrer(
            acteur=self.acteur,
            dossier=self.dossier,
            montant=montant,
            date_valeur=jour,
            mode="especes",
        )

    @rule(montant=montants, nature=st.sampled_from(["emolument", "frais", "debours"]))
    def frais(self, montant, nature):
        frais_enregistrer(
            acteur=self.acteur,
            dossier=self.dossier,
            nature=nature,
            montant_ht=montant,
            date_valeur=self.jour,
            libelle=f"{nature} de test",
        )

    @rule(avance=st.integers(1, 40))
    def nuit(self, avance):
        self.avancer(avance)
        accruer_interets(self.jour)

    @rule(choix=st.integers(0, 10_000))
    def contre_passer(self, choix):
        candidates = list(
            Ecriture.objects.filter(dossier=self.dossier, contre_passations__isnull=True)
            .exclude(
                nature__in=[
                    NatureEcriture.CONTRE_PASSATION,
                    NatureEcriture.REMISE,
                    *NATURES_CALCULEES,
                ]
            )
            .exclude(poste=Poste.FONDS)
            .exclude(versement__ecritures__nature=NatureEcriture.CONTRE_PASSATION)
            .distinct()
            .order_by("id")
        )
        if candidates:
            ecriture = candidates[choix % len(candidates)]
            avant = fonds_dossier(self.dossier).droit_rendu
            try:
                ecriture_contre_passer(
                    acteur=self.acteur, ecriture=ecriture, motif="Erreur de saisie"
                )
            except ValidationError as refus:
                # Seul refus attendu : des frais remis (échéancier) au-delà de ce qui reste dû.
                assert "remis au débiteur" in str(refus), refus
                return
            if fonds_dossier(self.dossier).droit_rendu > avant:
                GrandLivre.droits_rendus += 1

    @rule(
        montant=st.decimals(min_value=D("1000.00"), max_value=D("3000.00"), places=2),
        avance=st.integers(0, 15),
    )
    def cheque_reverse_puis_impaye(self, montant, avance):
        """Un chèque est encaissé, les fonds reversés, puis le chèque revient impayé : le
        droit A444-32 retenu sur lui est rendu au créancier."""
        self.avancer(avance)
        versement = versement_enregistrer(
            acteur=self.acteur,
            dossier=self.dossier,
            montant=montant,
            date_valeur=self.jour,
            mode="cheque",
        )
        if fonds_dossier(self.dossier).disponible > 0:
            try:
                reversement_preparer(acteur=self.acteur, dossier=self.dossier)
                GrandLivre.reversements_faits += 1
            except ValidationError as refus:
                assert "absorbent" in str(refus), refus
        avant = fonds_dossier(self.dossier).droit_rendu
        ecriture = versement.ecritures.filter(nature=NatureEcriture.VERSEMENT).first()
        ecriture_contre_passer(acteur=self.acteur, ecriture=ecriture, motif="Chèque impayé")
        if fonds_dossier(self.dossier).droit_rendu > avant:
            GrandLivre.droits_rendus += 1

    @rule(interets=st.booleans(), frais=st.booleans())
    def remettre(self, interets, frais):
        """Remise d'un échéancier (à la charge du créancier) : ce que doivent les postes."""
        solde = SoldeDossier.objects.get(pk=self.dossier.pk)
        GrandLivre.remises += 1
        remise_enregistrer(
            acteur=self.acteur,
            dossier=self.dossier,
            interets=solde.interets if interets else D("0.00"),
            frais=solde.frais if frais else D("0.00"),
            le=self.jour,
            cause_id=f"echeancier-test-{GrandLivre.remises}",
            motif="test",
        )

    @rule(part=st.integers(1, 100))
    def reverser(self, part):
        disponible = fonds_dossier(self.dossier).disponible
        if disponible <= 0:
            return
        montant = max(D("0.01"), (disponible * part / 100).quantize(D("0.01")))
        try:
            reversement_preparer(acteur=self.acteur, dossier=self.dossier, montant=montant)
            GrandLivre.reversements_faits += 1
        except ValidationError as refus:
            # Seul refus attendu : des retenues (forfait A444-32) plus grandes que les fonds.
            assert "absorbent" in str(refus), refus

    @rule(choix=st.integers(0, 10_000))
    def annuler_reversement(self, choix):
        actifs = [
            r
            for r in Reversement.objects.filter(dossier=self.dossier).order_by("id")
            if not reversement_annule(r)
        ]
        if actifs:
            reversement = actifs[choix % len(actifs)]
            reversement_annuler(acteur=self.acteur, reversement=reversement, motif="Erreur")

    @invariant()
    def reversements_sans_centime_cree_ni_perdu(self):
        sorties = Ecriture.objects.filter(
            dossier=self.dossier, poste=Poste.FONDS, cause="reversement"
        )
        total = D("0")
        for reversement in Reversement.objects.filter(dossier=self.dossier):
            assert reversement.brut == reversement.net + reversement.retenues
            siennes = [e for e in sorties if e.cause_id == str(reversement.pk)]
            assert sum((e.montant for e in siennes), D("0")) == reversement.brut
            if not reversement_annule(reversement):
                total += reversement.brut
        # Sorti = reversements non annulés - droit et TVA rendus (régularisations) + frais de
        # l'étude remis dans un échéancier (à la charge du créancier).
        fonds = fonds_dossier(self.dossier)
        assert fonds.sorti == total - fonds.droit_rendu - fonds.tva_rendue + fonds.frais_remis

    @invariant()
    def droit_a444_32_jamais_retenu_en_trop(self):
        fonds = fonds_dossier(self.dossier)
        assert fonds.droit_retenu >= 0 and fonds.tva_retenue >= 0
        assert fonds.droit_rendu >= 0 and fonds.tva_rendue >= 0
        calcul = droit_du(fonds)
        du = calcul.montant if calcul is not None else D("0")
        assert fonds.droit_retenu <= du
        assert fonds.tva_retenue <= tva(du)

    @invariant()
    def frais_du_creancier_bornes(self):
        fonds = fonds_dossier(self.dossier)
        assert D("0") <= fonds.frais_creancier <= fonds.frais_creancier_dus
        payes = -sum(
            (
                e.signe
                for e in grand_livre.lignes(self.dossier.pk)
                if e.poste == "frais" and e.nature_effective == "versement"
            ),
            D("0"),
        )
        # (Les parts payées sur les frais peuvent être négatives un temps : un versement
        # contre-passé après la réimputation de son trop-payé.)
        assert fonds.frais_creancier <= max(payes, D("0"))
        assert fonds.assiette - fonds.recouvre <= D("300.00")

    @invariant()
    def solde_egal_somme_des_ecritures(self):
        assert grand_livre.verifier_solde(self.dossier.pk) == {}

    @invariant()
    def aucun_poste_negatif(self):
        solde = SoldeDossier.objects.filter(pk=self.dossier.pk).first()
        if solde is not None:
            assert solde.frais >= 0 and solde.principal >= 0 and solde.excedent >= 0
            assert solde.interets >= 0

    @invariant()
    def decompte_egal_grand_livre(self):
        d = decompte_dossier(self.dossier, le=self.jour)
        assert d.erreurs == []
        assert d.total_du == d.solde_grand_livre + d.interets_a_comptabiliser

    @invariant()
    def reimputations_de_somme_nulle(self):
        reimputations = Ecriture.objects.filter(
            dossier=self.dossier, nature="versement", versement__isnull=True
        )
        assert sum((e.signe for e in reimputations), D("0")) == 0

    @invariant()
    def aucun_centime_cree_ni_perdu(self):
        for versement in Versement.objects.filter(dossier=self.dossier):
            # Ses imputations font exactement son montant (les réimputations d'un trop-payé,
            # sans versement, déplacent un montant d'un poste à l'autre : somme nulle).
            parts = [e for e in versement.ecritures.all() if e.nature == "versement"]
            assert sum((e.montant for e in parts), D("0")) == versement.montant
            annulations = [e for e in versement.ecritures.all() if e.nature != "versement"]
            assert sum((e.montant for e in annulations), D("0")) in (D("0"), versement.montant)


def test_suites_aleatoires_d_operations(clerc):
    GrandLivre.acteur = clerc
    GrandLivre.reversements_faits = 0
    GrandLivre.droits_rendus = 0
    GrandLivre.remises = 0
    run_state_machine_as_test(
        GrandLivre,
        settings=settings(
            max_examples=15,
            derandomize=True,
            stateful_step_count=10,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
    # Les suites ont bien mêlé des reversements aux autres opérations.
    assert GrandLivre.reversements_faits > 0
    # ... et des contre-passations après reversement qui rendent du droit A444-32.
    assert GrandLivre.droits_rendus > 0, GrandLivre.droits_rendus
    # ... et des remises d'échéancier.
    assert GrandLivre.remises > 0
