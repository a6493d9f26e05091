from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DevdataConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "devdata"
    label = "devdata"
    verbose_name = _("Development data")
