from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RatingsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "members.ratings"
    label = "ratings"
    verbose_name = _("Annual ratings")

    def ready(self):
        # The member page's section of this app (members.register.sections: the register may not import us).
        from members.ratings.member_page import SECTION
        from members.register.sections import register

        register(SECTION)
