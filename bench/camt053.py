"""Banc de l'import camt.053 (issue 3) : un relevé de 100 000 crédits, importé puis réimporté.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/etude_bench python -u bench/camt053.py \\
        [--lignes 100000] [--dossiers 10000]

Le relevé est fabriqué dans ce processus : chaque crédit cite dans sa remise la référence
d'un dossier réel de l'étude (rapprochement), un crédit sur dix n'en cite aucune (à
examiner). Les identifiants bancaires (AcctSvcrRef) portent un préfixe propre à l'exécution :
la base de banc peut servir plusieurs fois. Mesures :
1. l'import (`comptabilite.services.releve_importer`, une transaction) ;
2. le même relevé réimporté sous un autre message (autre empreinte) : 0 ligne nouvelle ;
3. référence : la seule lecture XML (`camt053.lire`) du même fichier, dans ce processus.
Objectif (issue 3) : 100 000 lignes en 10 s au plus, idempotent.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import uuid
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
if str(RACINE) not in sys.path:
    sys.path.insert(0, str(RACINE))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "etude.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection  # noqa: E402

from comptabilite import camt053  # noqa: E402
from comptabilite.models import LigneReleve  # noqa: E402
from comptabilite.services import releve_importer  # noqa: E402
from dossiers.generation import generer  # noqa: E402
from dossiers.models import Dossier  # noqa: E402
from etude.models import Etude, Utilisateur  # noqa: E402

OBJECTIF_S = 10.0

ENTETE = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">
<BkToCstmrStmt><GrpHdr><MsgId>{message}</MsgId></GrpHdr>
<Stmt><Id>BANC-{execution}</Id><Acct><Id><IBAN>FR7630006000011234567890189</IBAN></Id></Acct>
"""
PIED = "</Stmt></BkToCstmrStmt></Document>"


def _credit(rang: int, execution: str, reference: str | None) -> str:
    montant = f"{1 + rang % 900}.{rang % 100:02d}"
    remise = f"VIR DOSSIER {reference}" if reference else f"VIREMENT CLIENT {rang}"
    return (
        f'<Ntry><Amt Ccy="EUR">{montant}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>'
        "<BookgDt><Dt>2026-06-29</Dt></BookgDt><ValDt><Dt>2026-06-29</Dt></ValDt>"
        f"<AcctSvcrRef>{execution}-{rang}</AcctSvcrRef>"
        f"<NtryDtls><TxDtls><RmtInf><Ustrd>{remise}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>"
    )


def releve(lignes: int, references: list[str], execution: str, message: str) -> bytes:
    corps = "".join(
        _credit(i, execution, None if i % 10 == 9 else references[i % len(references)])
        for i in range(lignes)
    )
    return (ENTETE.format(message=message, execution=execution) + corps + PIED).encode()


def _clerc(etude: Etude) -> Utilisateur:
    utilisateur, cree = Utilisateur.objects.get_or_create(
        username="banc-camt053",
        defaults={"etude": etude, "first_name": "Banc", "last_name": "Relevé"},
    )
    if cree:
        utilisateur.groups.add(Group.objects.get(name="clerc"))
    return utilisateur


def mesurer(*, lignes_releve: int = 100_000, dossiers: int = 10_000) -> dict:
    if connection.vendor != "postgresql":
        raise SystemExit("Mesure sur PostgreSQL seulement (DATABASE_URL).")
    etude = Etude.objects.order_by("id").first()
    if etude is None or Dossier.objects.filter(etude=etude).count() < min(dossiers, 1):
        generer(dossiers=dossiers, graine=5, sortie=None)
        etude = Etude.objects.order_by("id").first()
    references = list(
        Dossier.objects.filter(etude=etude)
        .order_by("-id")
        .values_list("reference", flat=True)[: min(lignes_releve, 50_000)]
    )
    acteur = _clerc(etude)
    execution = uuid.uuid4().hex[:10]
    donnees = releve(lignes_releve, references, execution, f"MSG-{execution}-1")
    t0 = time.perf_counter()
    lu = camt053.lire(donnees)
    lecture = time.perf_counter() - t0
    avant = LigneReleve.objects.filter(etude=etude).count()
    t0 = time.perf_counter()
    premier = releve_importer(acteur=acteur, nom_fichier="banc.xml", donnees=donnees)
    duree = time.perf_counter() - t0
    bis = releve(lignes_releve, references, execution, f"MSG-{execution}-2")
    t0 = time.perf_counter()
    second = releve_importer(acteur=acteur, nom_fichier="banc-bis.xml", donnees=bis)
    duree_bis = time.perf_counter() - t0
    apres = LigneReleve.objects.filter(etude=etude).count()
    return {
        "lignes": len(lu.credits),
        "octets": len(donnees),
        "lecture_s": lecture,
        "duree_s": duree,
        "nouvelles": premier.nouvelles,
        "rapprochees": premier.rapprochees,
        "duree_bis_s": duree_bis,
        "nouvelles_bis": second.nouvelles,
        "ajoutees": apres - avant,
    }


def lignes(*, dossiers: int = 10_000, lignes_releve: int = 100_000) -> list[dict]:
    """Lignes du tableau de `bench/run` (mesure, valeur, unite, objectif, reference, verdict,
    note)."""
    m = mesurer(lignes_releve=lignes_releve, dossiers=dossiers)
    juste = m["nouvelles"] == m["lignes"] == m["ajoutees"]
    return [
        {
            "mesure": f"camt.053 : import de {m['lignes']} lignes",
            "valeur": m["duree_s"],
            "unite": "s",
            "objectif": f"<= {OBJECTIF_S:.0f} s pour 100 000",
            "reference": m["lecture_s"],
            "verdict": "tenu"
            if juste and m["duree_s"] * 100_000 / max(m["lignes"], 1) <= OBJECTIF_S
            else "court",
            "note": f"{m['octets'] / 1e6:.0f} Mo ; {m['nouvelles']} nouvelles dont "
            f"{m['rapprochees']} rapprochées ; réf. lecture XML seule",
        },
        {
            "mesure": "camt.053 : réimport du même relevé",
            "valeur": m["nouvelles_bis"],
            "unite": "lignes",
            "objectif": "0 ligne",
            "reference": None,
            "verdict": "tenu" if m["nouvelles_bis"] == 0 and juste else "court",
            "note": f"{m['duree_bis_s']:.1f} s ; lignes en base après les deux : +{m['ajoutees']}",
        },
    ]


if __name__ == "__main__":
    parseur = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parseur.add_argument("--lignes", type=int, default=100_000)
    parseur.add_argument("--dossiers", type=int, default=10_000)
    args = parseur.parse_args()
    for ligne in lignes(dossiers=args.dossiers, lignes_releve=args.lignes):
        print(ligne)
