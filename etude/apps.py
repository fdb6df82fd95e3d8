from django.apps import AppConfig


class EtudeConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "etude"
    verbose_name = "Étude"
