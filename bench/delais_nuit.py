"""Banc de la passe de nuit (bench/).

Sur une base PostgreSQL vide et migrée (DATABASE_URL=postgres://.../etude_bench_proc) :
    python bench/delais_nuit.py
Construit 1 M de dossiers et de titres, 1,5 M de procédures, 3 M de délais dont 7 500 échus le
10 mars 2026, puis lance deux fois `passe_delais`.
"""

# Requêtes construites avec les seuls identifiants entiers des lignes créées par le banc.
# ruff: noqa: S608

import os
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["DJANGO_SETTINGS_MODULE"] = "etude.settings"
import django

django.setup()
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from procedures.nuit import passe_delais  # noqa: E402
from tests.factories import (  # noqa: E402
    creer_creancier,
    creer_debiteur,
    creer_etude,
    creer_utilisateur,
)

etude = creer_etude()
clerc = creer_utilisateur(etude=etude, role="clerc", username="bench")
creancier = creer_creancier(etude=etude)
debiteur = creer_debiteur(etude=etude)
E, C, CR, D = etude.pk, clerc.pk, creancier.pk, debiteur.pk
t0 = time.time()
with connection.cursor() as c:
    c.execute(f"""
    insert into dossiers_dossier (id, annee, numero, reference, nature, phase, statut, complexe,
      montant_principal, reference_creancier, ouvert_le, cree_le, modifie_le, recherche,
      clerc_id, creancier_id, etude_id)
    select g, 2020 + g % 7, g / 7, (2020 + g % 7)::text || '-' || lpad((g / 7)::text, 6, '0'),
      'loyers', 'judiciaire', 'ouvert', false,
      1000, '', date '2024-01-01' + (g % 900), now(), now(), '', {C}, {CR}, {E}
    from generate_series(1, 1000000) g""")
    c.execute("""
    insert into dossiers_titreexecutoire (id, nature, date_titre, juridiction, numero_rg,
      date_signification, date_force_executoire, montant_principal, montant_frais, type_interets,
      capitalisation, majoration_ecartee, imputation_principal_dabord, cree_le, dossier_id)
    select g, 'decision', date '2016-01-01' + (g % 3650), 'TJ', '', null,
      date '2016-01-01' + (g % 3650), 1000, 0, 'legal', false, false, false, now(), g
    from generate_series(1, 1000000) g""")
    # 1,5 M de procédures : 1 M de saisies-attribution, 0,5 M de saisies-vente.
    c.execute(f"""
    insert into procedures_procedure (id, type, ouverte_le, etape, cloturee_le, debiteur_id,
      dossier_id, etude_id, ouverte_par_id, titre_id)
    select g, case when g <= 1000000 then 'saisie_attribution' else 'saisie_vente' end, now(),
      'x', null, {D}, ((g - 1) % 1000000) + 1, {E}, {C}, ((g - 1) % 1000000) + 1
    from generate_series(1, 1500000) g""")
    c.execute("""insert into procedures_saisieattribution (procedure_ptr_id, etat, tiers_saisi,
      compte_bancaire, renonciation_contestation)
      select g, 'saisie_signifiee', 'B', false, false from generate_series(1, 1000000) g""")
    c.execute("""insert into procedures_saisievente (procedure_ptr_id, etat)
      select g, 'commandement_signifie' from generate_series(1000001, 1500000) g""")
    # 3 M de délais : deux par procédure ; la plupart clos, 1 % ouverts, ~5 000 échus le
    # 10 mars 2026 (caducités de dénonciation), le reste à venir.
    c.execute(f"""
    insert into procedures_delai (code, nature, libelle, depart, echeance, raison_alternative,
      article, sanction, statut, cree_le, clos_le, clerc_id, dossier_id, etude_id, procedure_id)
    select case when g <= 1000000 then 'sa_denonciation' else 'sv_attente_commandement' end,
      case when g <= 1000000 then 'agir_avant' else 'pas_avant' end,
      'bench', date '2026-03-02', date '2026-03-10' + (case when g % 200 = 0 then 0 else 30 end),
      '', 'CPCE R211-3', 'caducité de la saisie',
      case when g % 100 = 0 then 'ouvert' else 'respecte' end, now(),
      case when g % 100 = 0 then null else now() end, {C}, ((g - 1) % 1000000) + 1, {E}, g
    from generate_series(1, 1500000) g""")
    c.execute(f"""
    insert into procedures_delai (code, nature, libelle, depart, echeance, raison_alternative,
      article, sanction, statut, cree_le, clos_le, clerc_id, dossier_id, etude_id, procedure_id)
    select 'sv_validite_commandement', 'valable_jusqu_au', 'bench', date '2026-03-02',
      date '2028-03-02', '', 'CPCE R221-5', 'péremption', 'respecte', now(), now(), {C},
      ((g - 1) % 1000000) + 1, {E}, g from generate_series(1, 1500000) g""")
    for t in (
        "dossiers_dossier",
        "dossiers_titreexecutoire",
        "procedures_procedure",
        "procedures_delai",
    ):
        c.execute(f"select setval(pg_get_serial_sequence('{t}', 'id'), (select max(id) from {t}))")
    c.execute("analyze")
print(f"jeu de données : {time.time() - t0:.0f} s")

for essai in (1, 2):
    with CaptureQueriesContext(connection) as q:
        t = time.perf_counter()
        r = passe_delais(date(2026, 3, 10))
        duree = time.perf_counter() - t
    print(
        f"passe {essai} : {duree:.2f} s, {len(q.captured_queries)} requêtes, "
        f"caducités {r['caducites']}, écoulés {r['delais_ecoules']}, "
        f"événements {r['evenements']}, "
        f"alertes titres {r['alertes']['titres_prescription_proche']}"
    )
