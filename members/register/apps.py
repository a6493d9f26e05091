from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegisterConfig(AppConfig):
    """The member register. Its label stays ``members``: the tables were created under it."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "members.register"
    label = "members"
    verbose_name = _("Party members")

    def ready(self):
        from members.register.tree import RegisterForTheTree
        from organizations.hooks import install_members

        install_members(RegisterForTheTree())
