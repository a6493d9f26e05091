from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConfigAppConfig(AppConfig):
    name = "config"
    label = "system"
    verbose_name = _("System")
