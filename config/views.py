"""Site-wide views: the home page, the health endpoint, the error pages and the administrator's one-time
password link."""

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.tokens import default_token_generator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from core import health


@login_required
def home(request):
    """What the user's roles must do now (``config.home``), the roles themselves and the worker's health."""
    from config.home import home_context
    from organizations.models import RoleAssignment

    seen_at = health.last_worker_heartbeat()
    assignments = (RoleAssignment.objects.filter(user=request.user, organization__dissolved_on__isnull=True)
                   .select_related("organization").order_by("organization__path"))
    return render(
        request,
        "home.html",
        {"worker_seen_at": seen_at, "worker_fresh": health.worker_is_fresh(seen_at), "assignments": assignments,
         **home_context(request.user)},
    )


@never_cache
@require_GET
def healthz(request):
    """JSON status for load balancers and monitoring: 200 when the database and broker answer, else 503.

    The worker's last heartbeat is reported but does not fail the check: pages keep working while
    the worker is down, and queued work is done when it returns.
    """
    database = health.check_database()
    broker = health.check_broker()
    seen_at = health.last_worker_heartbeat() if database.ok else None
    ok = database.ok and broker.ok
    body = {
        "status": "ok" if ok else "error",
        "database": {"ok": database.ok, "detail": database.detail},
        "broker": {"ok": broker.ok, "detail": broker.detail},
        "worker": {
            "last_heartbeat": seen_at.isoformat() if seen_at else None,
            "fresh": health.worker_is_fresh(seen_at),
        },
    }
    return JsonResponse(body, status=200 if ok else 503)


def error_403(request, exception=None):
    return render(request, "403.html", status=403)


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def error_500(request):
    # No context processors that touch the database: the database may be what failed.
    from django.http import HttpResponseServerError
    from django.template import loader

    return HttpResponseServerError(loader.get_template("500.html").render())


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def password_reset_link(request, pk):
    """An administrator makes a one-time link with which a user chooses a new password — the reset that works
    without e-mail. The link is Django's reset token: it stops working once used (the password it was made for
    changes) or after PASSWORD_RESET_TIMEOUT; nothing is stored, and every session of the user ends when the new
    password is set."""
    from organizations.scoping import require_administrator

    require_administrator(request.user)
    target = get_object_or_404(get_user_model(), pk=pk, is_active=True)
    link = None
    if request.method == "POST":
        path = reverse("password_reset_confirm", kwargs={"uidb64": urlsafe_base64_encode(force_bytes(target.pk)),
                                                         "token": default_token_generator.make_token(target)})
        link = request.build_absolute_uri(path)
    return render(request, "registration/reset_link.html", {"target": target, "link": link})
