from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "meetings"
    verbose_name = _("Cell meetings")

    def ready(self):
        # Status periods live in the register, below: a recorded exemption re-derives the attendance of the
        # meetings it covers through the change event, so the register never imports meetings.
        from core.events import records_changed
        from meetings.services import on_records_changed

        records_changed.connect(on_records_changed, dispatch_uid="meetings.recheck_exclusions")
        # The member page's section of this app (members.register.sections: the register may not import us).
        from meetings.member_page import SECTION
        from members.register.sections import register

        register(SECTION)
