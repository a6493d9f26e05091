from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The bottom layer: change events, notifications, the worker heartbeat, background runs, Excel uploads,
    the SVG chart renderer and small helpers. It imports none of our apps. Its label stays ``system`` (the
    label the tables and migrations were created under when this lived in ``config``)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "core"
    label = "system"
    verbose_name = _("System")

    def ready(self):
        from django.db.models.signals import pre_save

        from core.text import normalize_instance

        # Every model's text as users mean it (NFC, trimmed), whoever saves it (core.text).
        pre_save.connect(normalize_instance, dispatch_uid="core.text.normalize_instance")
