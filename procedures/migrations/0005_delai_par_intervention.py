"""Un délai de dénonciation par intervention (R212-1-17) : deux interventions du même jour
partageaient le leur (contrainte d'unicité procédure, définition, départ). Les délais déjà
ouverts sont rattachés à l'intervention de ce jour quand elle est seule ; sinon ils restent
ceux de la procédure, comme avant."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


RATTACHER = """
UPDATE procedures_delai d SET intervention_id = i.id
FROM procedures_intervention i
WHERE d.code = 'sr_intervention_denonciation' AND d.intervention_id IS NULL
  AND i.procedure_id = d.procedure_id
  AND (i.acte_le AT TIME ZONE %(fuseau)s)::date = d.depart
  AND (
    SELECT count(*) FROM procedures_intervention j
    WHERE j.procedure_id = i.procedure_id
      AND (j.acte_le AT TIME ZONE %(fuseau)s)::date = d.depart
  ) = 1
"""


def rattacher(apps, schema_editor):
    # SQL de PostgreSQL (UPDATE … FROM avec alias, AT TIME ZONE). La base SQLite embarquée
    # est celle de la démonstration, créée neuve par `./scripts/demarrer` : aucun délai à
    # rattacher ; une base SQLite plus ancienne garde ses délais à la procédure, comme avant.
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(RATTACHER, {"fuseau": settings.TIME_ZONE})


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0007_premier_impaye_et_interruption"),
        ("etude", "0002_journal_immuable"),
        ("procedures", "0004_interventions_repartitions"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="delai",
            name="delai_unique_par_procedure",
        ),
        migrations.AddField(
            model_name="delai",
            name="intervention",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="delais",
                to="procedures.intervention",
            ),
        ),
        migrations.AddConstraint(
            model_name="delai",
            constraint=models.UniqueConstraint(
                fields=("procedure", "code", "depart", "intervention"),
                name="delai_unique_par_procedure",
                nulls_distinct=False,
            ),
        ),
        migrations.RunPython(rattacher, migrations.RunPython.noop),
    ]
