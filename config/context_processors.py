from django.conf import settings
from django.utils.functional import SimpleLazyObject


def site(request):
    def can_manage_roles():
        from organizations.permissions import Perm
        from organizations.scoping import user_has_anywhere

        user = getattr(request, "user", None)
        return bool(user and user.is_authenticated and user_has_anywhere(user, Perm.MANAGE_ROLES))

    # Lazy: pages that never render the menu (errors, JSON) pay no query.
    return {"SITE_NAME": settings.SITE_NAME, "perms_manage_roles": SimpleLazyObject(can_manage_roles)}
