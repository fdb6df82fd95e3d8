from django.apps import AppConfig


class RelancesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "relances"
