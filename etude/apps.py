from django.apps import AppConfig


def _extremes(fonction):
    """GREATEST / LEAST de PostgreSQL : les NULL sont ignorés, NULL si tous le sont."""

    def appliquer(*valeurs):
        presentes = [v for v in valeurs if v is not None]
        return fonction(presentes) if presentes else None

    return appliquer


def fonctions_sqlite(sender, connection, **kwargs):
    """La base SQLite embarquée (démonstration) reçoit GREATEST et LEAST, que les requêtes
    ensemblistes de la comptabilité emploient comme PostgreSQL (SQLite n'a que MAX/MIN à
    plusieurs arguments, qui rendent NULL dès qu'un argument l'est)."""
    if connection.vendor == "sqlite":
        for nom, fonction in (("GREATEST", max), ("LEAST", min)):
            connection.connection.create_function(nom, -1, _extremes(fonction), deterministic=True)


class EtudeConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "etude"
    verbose_name = "Étude"

    def ready(self):
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate

        from .roles import synchroniser_roles

        # Infrastructure, pas de règle métier : comme create_permissions de Django.
        post_migrate.connect(synchroniser_roles, sender=self, dispatch_uid="etude_roles")
        connection_created.connect(fonctions_sqlite, dispatch_uid="etude_fonctions_sqlite")
