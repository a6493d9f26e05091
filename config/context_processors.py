from django.conf import settings
from django.utils.functional import SimpleLazyObject


def site(request):
    def can_manage_roles():
        from organizations.permissions import Perm
        from organizations.scoping import user_has_anywhere

        user = getattr(request, "user", None)
        return bool(user and user.is_authenticated and user_has_anywhere(user, Perm.MANAGE_ROLES))

    def unread_notifications():
        from core.models import Notification

        user = getattr(request, "user", None)
        if not (user and user.is_authenticated):
            return 0
        return Notification.objects.filter(user=user, read_at__isnull=True).count()

    def menu():
        from config.home import menu_for

        user = getattr(request, "user", None)
        return menu_for(user) if user is not None else frozenset()

    # Lazy: pages that never render the menu (errors, JSON) pay no query.
    return {"SITE_NAME": settings.SITE_NAME, "perms_manage_roles": SimpleLazyObject(can_manage_roles),
            "unread_notifications": SimpleLazyObject(unread_notifications), "menu": SimpleLazyObject(menu)}
