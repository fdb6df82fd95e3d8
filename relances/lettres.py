"""Lettres de relance : un fichier PDF par étude et par journée, prêt à imprimer et à mettre
sous enveloppe à fenêtre, précédé de la liste des dossiers.

Mentions (CPCE R124-4, domaine/textes.md C11) : l'étude (nom, adresse, activité de
recouvrement amiable), le créancier (nom, adresse), le fondement et le montant de la somme due
en distinguant principal, intérêts et autres sommes, l'invitation à payer et ses modalités, la
reproduction des alinéas 2 et 3 de L111-8 (les frais du recouvrement amiable restent à la
charge du créancier) ; toute lettre suivante rappelle la référence et la date de la première.
R124-1 exclut les commissaires de justice de ce chapitre, mais leurs règles professionnelles
(arrêté du 27 février 2024, art. 29-30) vont dans le même sens : la lettre porte toutes les
mentions, c'est le choix le plus sûr.

Discrétion : seuls le nom et l'adresse du débiteur paraissent dans la fenêtre ; rien sur la
dette n'est lisible de l'extérieur du pli.

Le rendu passe par `actes.rendu` (WeasyPrint, récupérateur d'URL fermé : aucune ressource
externe ; PDF simple, pas PDF/A : un courrier, pas un acte à archiver) ; un seul document
pour toute la journée (plus rapide que des documents séparés, et un seul fichier à
imprimer). Transaction unique : le fichier et l'état des envois
changent ensemble ; rejouée, la production refait le même fichier avec les mêmes lettres.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from comptabilite.models import SoldeDossier
from dossiers.models import TitreExecutoire
from etude.models import Etude

from .envoi import contexte_discret, rendre
from .models import AffectationScenario, Canal, Echeance, Envoi, EtatEnvoi, LotLettres

ZERO = Decimal("0.00")

# CPCE L111-8, alinéas 2 et 3 (version du 19/03/2014, loi n° 2014-344), reproduits (R124-4 5°).
L111_8_AL2 = (
    "Les frais de recouvrement entrepris sans titre exécutoire restent à la charge du "
    "créancier, sauf s'ils concernent un acte dont l'accomplissement est prescrit par la loi "
    "au créancier. Toute stipulation contraire est réputée non écrite, sauf disposition "
    "législative contraire."
)
L111_8_AL3 = (
    "Cependant, le créancier qui justifie du caractère nécessaire des démarches entreprises "
    "pour recouvrer sa créance peut demander au juge de l'exécution de laisser tout ou partie "
    "des frais ainsi exposés à la charge du débiteur de mauvaise foi."
)


def _fondement(dossier, titre) -> str:
    if titre is not None:
        texte = f"{titre.get_nature_display()} du {titre.date_titre:%d/%m/%Y}, {titre.juridiction}"
        if titre.numero_rg:
            texte += f" (n° {titre.numero_rg})"
        return texte
    texte = dossier.get_nature_display()
    if dossier.reference_creancier:
        texte += f", référence du créancier {dossier.reference_creancier}"
    return texte


def _arrieres(envois: list[Envoi]) -> dict[int, Decimal]:
    """Arriéré de chaque plan rappelé (par échéancier) au jour de l'envoi : ce qui reste à
    payer des échéances échues, en une requête pour le lot."""
    plans = {e.echeance.echeancier_id: e.le for e in envois if e.echeance_id is not None}
    if not plans:
        return {}
    arrieres = dict.fromkeys(plans, ZERO)
    for echeancier_id, jour, montant, paye in Echeance.objects.filter(
        echeancier_id__in=list(plans)
    ).values_list("echeancier_id", "date", "montant", "paye"):
        if jour <= plans[echeancier_id] and montant > paye:
            arrieres[echeancier_id] += montant - paye
    return arrieres


def donnees_lettres(envois: list[Envoi]) -> list[dict]:
    """Ce que chaque lettre affiche, lu en quelques requêtes pour tout le lot."""
    dossiers = [e.dossier_id for e in envois]
    arrieres = _arrieres(envois)
    soldes = {s.dossier_id: s for s in SoldeDossier.objects.filter(dossier_id__in=dossiers)}
    titres: dict[int, TitreExecutoire] = {}
    for t in TitreExecutoire.objects.filter(dossier_id__in=dossiers).order_by("date_titre", "id"):
        titres.setdefault(t.dossier_id, t)
    premieres: dict[int, Envoi] = {}
    for e in (
        Envoi.objects.filter(dossier_id__in=dossiers, canal=Canal.LETTRE)
        .exclude(etat__in=[EtatEnvoi.IGNORE, EtatEnvoi.ECHOUE])
        .order_by("le", "id")
        .only("id", "dossier_id", "le")
    ):
        premieres.setdefault(e.dossier_id, e)
    lettres = []
    for envoi in envois:
        dossier = envoi.dossier
        solde = soldes.get(envoi.dossier_id)
        if solde is not None:
            principal, interets, autres, total = (
                solde.principal,
                solde.interets,
                solde.frais,
                solde.du,
            )
            verse = solde.verse
        else:
            # Grand livre pas encore ouvert : le principal réclamé seul, les intérêts non
            # arrêtés sont dits comme tels (aucun chiffre inventé).
            principal, interets, autres, total, verse = (
                dossier.montant_principal,
                None,
                ZERO,
                dossier.montant_principal,
                ZERO,
            )
        premiere = premieres.get(envoi.dossier_id)
        rappel = premiere if premiere is not None and premiere.pk != envoi.pk else None
        contexte = contexte_discret(envoi)
        lettres.append(
            {
                "envoi": envoi,
                "reference_lettre": f"{dossier.reference}/L{envoi.pk}",
                "dossier": dossier,
                "debiteur": envoi.debiteur,
                "creancier": dossier.creancier,
                "fondement": _fondement(dossier, titres.get(envoi.dossier_id)),
                "principal": principal,
                "interets": interets,
                "autres": autres,
                "verse": verse,
                "total": total,
                "rappel": rappel,
                "rappel_reference": f"{dossier.reference}/L{rappel.pk}" if rappel else "",
                "message": rendre(envoi.etape.modele, contexte) if envoi.etape.modele else "",
                "echeance": envoi.echeance,
                "arriere": arrieres.get(envoi.echeance.echeancier_id)
                if envoi.echeance_id is not None
                else None,
                "titre": titres.get(envoi.dossier_id) is not None,
            }
        )
    return lettres


# Bornes du rendu (actes.rendu : 60 s et 5 Mio de HTML par document) : le fichier du jour est
# rendu par morceaux, dans deux enfants de rendu à la fois (`actes.rendu.rendre_pdfs`, un par
# cœur), puis assemblé en un seul PDF (pypdf).
LETTRES_PAR_RENDU = 40
LIGNES_PAR_RENDU = 1000


def taille_des_morceaux(nombre: int, paralleles: int) -> int:
    """Lettres par morceau : au plus LETTRES_PAR_RENDU, et assez de morceaux pour occuper
    chaque enfant de rendu (40 lettres à deux enfants : deux morceaux de 20)."""
    return max(1, min(LETTRES_PAR_RENDU, -(-nombre // max(1, paralleles))))


def rendre_lettres(etude: Etude, le: date, lettres: list[dict]) -> bytes:
    """Le PDF du jour : la liste des dossiers, puis une lettre par page."""
    from io import BytesIO

    from django.conf import settings
    from django.template.loader import render_to_string
    from pypdf import PdfReader, PdfWriter

    from actes.rendu import rendre_pdfs

    commun = {"etude": etude, "le": le, "l111_8_al2": L111_8_AL2, "l111_8_al3": L111_8_AL3}
    taille = taille_des_morceaux(len(lettres), settings.RENDU_PARALLELES)

    def documents():
        # Un générateur : le morceau suivant se prépare pendant que les enfants rendent.
        for debut in range(0, len(lettres), LIGNES_PAR_RENDU):
            liste = list(enumerate(lettres[debut : debut + LIGNES_PAR_RENDU], start=debut + 1))
            yield render_to_string(
                "relances/lettres.html",
                {**commun, "liste": liste, "entete": debut == 0, "total": len(lettres)},
            )
        for debut in range(0, len(lettres), taille):
            yield render_to_string(
                "relances/lettres.html", {**commun, "lettres": lettres[debut : debut + taille]}
            )

    morceaux = rendre_pdfs(documents(), pdfa=False)
    if len(morceaux) == 1:
        return morceaux[0]
    assemblage = PdfWriter()
    for morceau in morceaux:
        assemblage.append(PdfReader(BytesIO(morceau)))
    sortie = BytesIO()
    assemblage.write(sortie)
    return sortie.getvalue()


def lettres_du_jour(*, etude_id: int, le: date) -> LotLettres | None:
    """Produit (ou refait) le fichier des lettres de la journée `le` de l'étude."""
    with transaction.atomic():
        etude = Etude.objects.get(pk=etude_id)
        lot, _ = LotLettres.objects.select_for_update().get_or_create(etude=etude, le=le)
        lot = LotLettres.objects.select_for_update().get(pk=lot.pk)
        candidats = list(
            Envoi.objects.filter(etude=etude, le=le, canal=Canal.LETTRE)
            .filter(etat=EtatEnvoi.A_ENVOYER)
            .select_related("etape", "debiteur", "dossier__creancier", "etude", "echeance")
            .order_by("id")
        )
        affectations = AffectationScenario.objects.filter(
            dossier_id__in=[e.dossier_id for e in candidats]
        )
        arretes = set(affectations.exclude(arret="").values_list("dossier_id", flat=True))
        # Promesse de payer enregistrée depuis la campagne, dans un scénario qu'elle suspend
        # (la règle que `envoi._raison_de_ne_pas_envoyer` applique aux courriels et SMS).
        suspendus = dict(
            affectations.filter(
                suspendu_jusqu_au__gte=le, scenario__arret_promesse=True, arret=""
            ).values_list("dossier_id", "suspendu_jusqu_au")
        )
        # Un rappel d'échéance part alors que le plan arrête le scénario.
        ignores = [e.pk for e in candidats if e.dossier_id in arretes and e.echeance_id is None]
        if ignores:
            Envoi.objects.filter(pk__in=ignores).update(
                etat=EtatEnvoi.IGNORE, motif="Scénario arrêté depuis la campagne"
            )
        for dossier_id, jusqu_au in suspendus.items():
            Envoi.objects.filter(
                pk__in=[e.pk for e in candidats if e.dossier_id == dossier_id],
                echeance__isnull=True,
            ).update(
                etat=EtatEnvoi.IGNORE,
                motif=f"Scénario suspendu jusqu'au {jusqu_au:%d/%m/%Y}",
            )
            ignores += [
                e.pk for e in candidats if e.dossier_id == dossier_id and e.echeance_id is None
            ]
        nouveaux = [e for e in candidats if e.pk not in set(ignores)]
        if not nouveaux and lot.nombre:
            return lot
        deja = list(
            Envoi.objects.filter(lot=lot)
            .select_related("etape", "debiteur", "dossier__creancier", "etude", "echeance")
            .order_by("id")
        )
        envois = sorted(deja + nouveaux, key=lambda e: e.pk)
        if not envois:
            lot.delete()
            return None
        pdf = rendre_lettres(etude, le, donnees_lettres(envois))
        if lot.fichier:
            lot.fichier.delete(save=False)
        lot.fichier.save(f"lettres-{etude.pk}-{le:%Y-%m-%d}.pdf", ContentFile(pdf), save=False)
        lot.nombre = len(envois)
        lot.save()
        Envoi.objects.filter(pk__in=[e.pk for e in nouveaux]).update(
            etat=EtatEnvoi.ENVOYE, lot=lot, envoye_le=timezone.now()
        )
    return lot
