from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "targets.dashboards"
    label = "dashboards"
    verbose_name = _("Dashboards")
