from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdmissionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "members.admissions"
    label = "admissions"
    verbose_name = _("Admissions")

    def ready(self):
        # The member page's section of this app (members.register.sections: the register may not import us).
        from members.admissions.member_page import SECTION
        from members.register.sections import register

        register(SECTION)
