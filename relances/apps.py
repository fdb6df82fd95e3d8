from django.apps import AppConfig


class RelancesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "relances"

    def ready(self):
        from anymail.signals import tracking

        from .rebonds import suivi_recu

        tracking.connect(suivi_recu, dispatch_uid="relances.rebonds")
