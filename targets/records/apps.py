from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "targets.records"
    label = "records"
    verbose_name = _("Reported records")

    def ready(self):
        from targets.records import metrics  # noqa: F401  (registers the MODEL, DOC, REP and DUE families)
