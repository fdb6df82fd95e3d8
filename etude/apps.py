from django.apps import AppConfig


class EtudeConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "etude"
    verbose_name = "Étude"

    def ready(self):
        from django.db.models.signals import post_migrate

        from .roles import synchroniser_roles

        # Infrastructure, pas de règle métier : comme create_permissions de Django.
        post_migrate.connect(synchroniser_roles, sender=self, dispatch_uid="etude_roles")
