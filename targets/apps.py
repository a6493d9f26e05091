from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TargetsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "targets"
    verbose_name = _("Targets")

    def ready(self):
        from targets import recompute  # noqa: F401  (subscribes to the change events)
