from django.apps import AppConfig


class ComptabiliteConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "comptabilite"
    verbose_name = "Comptabilité"
