from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "inspections"
    verbose_name = _("Inspection and discipline")

    def ready(self):
        from inspections.models import DISCIPLINE_CONDITIONS
        from members.ratings.rules import install_discipline

        install_discipline(DISCIPLINE_CONDITIONS)
        # The member page's section of inspections and discipline (members.register.sections).
        from inspections.member_page import SECTION
        from members.register.sections import register

        register(SECTION)
