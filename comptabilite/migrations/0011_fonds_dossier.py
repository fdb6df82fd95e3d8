"""État des fonds détenus par dossier (`FondsDossier`), rempli depuis les écritures.

Le remplissage reprend la requête de `comptabilite.etat_fonds` (copiée ici : une migration
ne dépend pas du code qui évolue), en une passe ensembliste sur PostgreSQL. Sur SQLite
(développement), rien à remplir : la nuit y recalcule dossier par dossier sans cet état, et
`grand_livre.passer` le tient à jour pour les écritures qui suivent.
"""

import django.db.models.deletion
from django.db import migrations, models

REMPLIR = """
WITH mouvements AS (
    SELECT e.dossier_id, e.etude_id, e.date_valeur,
        sum(CASE WHEN e.poste IN ('principal', 'interets')
                  AND COALESCE(o.nature, e.nature) = 'versement'
            THEN CASE WHEN e.sens = 'credit' THEN e.montant ELSE -e.montant END
            ELSE 0 END) AS encaisse,
        sum(CASE WHEN e.poste = 'frais'
                  AND (COALESCE(o.nature, e.nature) = 'frais'
                       OR (e.nature = 'remise' AND e.cause_id LIKE '%%-creancier'))
            THEN CASE WHEN e.sens = 'debit' THEN e.montant ELSE -e.montant END
            ELSE 0 END) AS frais_dus,
        sum(CASE WHEN e.poste = 'frais' AND COALESCE(o.nature, e.nature) = 'versement'
            THEN CASE WHEN e.sens = 'credit' THEN e.montant ELSE -e.montant END
            ELSE 0 END) AS frais_payes,
        sum(CASE WHEN e.poste = 'fonds'
            THEN CASE WHEN e.sens = 'credit' THEN e.montant ELSE -e.montant END
            ELSE 0 END) AS sorti
    FROM comptabilite_ecriture e
    LEFT JOIN comptabilite_ecriture o ON o.id = e.contre_passe_id
    WHERE (e.nature IN ('versement', 'contre_passation', 'frais', 'remise')
           OR e.poste = 'fonds')
    GROUP BY e.dossier_id, e.etude_id, e.date_valeur
),
-- Frais alloués par le titre payés (au créancier) : les parts imputées sur les frais paient
-- d'abord ceux-là (reversements.fonds_calculer), soit min(frais dus, frais payés) cumulés.
cumuls AS (
    SELECT m.*,
        sum(encaisse) OVER (PARTITION BY dossier_id ORDER BY date_valeur)
        + GREATEST(0, LEAST(
            sum(frais_dus) OVER (PARTITION BY dossier_id ORDER BY date_valeur),
            sum(frais_payes) OVER (PARTITION BY dossier_id ORDER BY date_valeur)))
            AS encaisse_cumule,
        sum(encaisse) OVER (PARTITION BY dossier_id)
        + GREATEST(0, LEAST(sum(frais_dus) OVER (PARTITION BY dossier_id),
                            sum(frais_payes) OVER (PARTITION BY dossier_id)))
            AS encaisse_total,
        sum(sorti) OVER (PARTITION BY dossier_id) AS sorti_total
    FROM mouvements m
)
INSERT INTO comptabilite_fondsdossier (dossier_id, etude_id, detenus_depuis, disponible,
                                       dernier_mouvement)
SELECT dossier_id, etude_id,
    CASE WHEN max(encaisse_total - sorti_total) > 0
        THEN min(date_valeur) FILTER (WHERE encaisse_cumule > sorti_total)
    END,
    max(encaisse_total - sorti_total),
    max(date_valeur)
FROM cumuls
GROUP BY dossier_id, etude_id
ON CONFLICT (dossier_id) DO NOTHING
"""


def remplir(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REMPLIR)


class Migration(migrations.Migration):

    dependencies = [
        ('comptabilite', '0010_remises_et_frais_du_creancier'),
        ('dossiers', '0007_premier_impaye_et_interruption'),
        ('etude', '0002_journal_immuable'),
    ]

    operations = [
        migrations.CreateModel(
            name='FondsDossier',
            fields=[
                ('dossier', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, primary_key=True, related_name='+', serialize=False, to='dossiers.dossier')),
                ('detenus_depuis', models.DateField(blank=True, null=True, verbose_name='plus ancien encaissement non reversé')),
                ('disponible', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='fonds détenus')),
                ('dernier_mouvement', models.DateField(help_text='Une nuit antérieure à cette date recalcule le dossier à sa date.', verbose_name="dernière date de valeur d'un encaissement ou d'une sortie")),
                ('etude', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='etude.etude')),
            ],
            options={
                'verbose_name': "fonds détenus d'un dossier",
                'verbose_name_plural': 'fonds détenus des dossiers',
                'indexes': [models.Index(condition=models.Q(('detenus_depuis__isnull', False)), fields=['etude', 'detenus_depuis'], name='fonds_detenus_depuis_idx'), models.Index(fields=['dernier_mouvement'], name='fonds_dernier_mouvement_idx')],
            },
        ),
        migrations.RunPython(remplir, migrations.RunPython.noop),
    ]
