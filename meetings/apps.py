from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "meetings"
    verbose_name = _("Cell meetings")

    def ready(self):
        # The member page's section of this app (members.register.sections: the register may not import us).
        from meetings.member_page import SECTION
        from members.register.sections import register

        register(SECTION)
