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
