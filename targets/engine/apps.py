from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EngineConfig(AppConfig):
    """Resolutions, targets, the metric registry and attainments. Its label stays ``targets``: the tables
    were created under it."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "targets.engine"
    label = "targets"
    verbose_name = _("Targets")

    def ready(self):
        from targets.engine import recompute  # noqa: F401  (subscribes to the change events)
