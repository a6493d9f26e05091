"""Sending in-app notifications (and an e-mail copy to users who have an address)."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mass_mail
from django.utils import timezone

from core.models import Notification


def notify(users: Iterable, *, key: str, title: str, body: str = "", link: str = "", email: bool = True) -> int:
    """Send one notification per user for ``key``; users who already have it are skipped, so a job that
    runs twice sends nothing twice. Returns how many were created. Two statements whatever the count."""
    users = [u for u in users if u is not None and u.is_active]
    if not users:
        return 0
    already = set(Notification.objects.filter(key=key, user__in=users).values_list("user_id", flat=True))
    fresh = [u for u in users if u.pk not in already]
    Notification.objects.bulk_create(
        [Notification(user=u, key=key, title=title, body=body, link=link) for u in fresh], ignore_conflicts=True
    )
    if email:
        messages = [(title, f"{body}\n\n{link}".strip(), settings.DEFAULT_FROM_EMAIL, [u.email])
                    for u in fresh if u.email]
        if messages:
            send_mass_mail(messages, fail_silently=True)
    return len(fresh)


def mark_read(note: Notification) -> None:
    """The user opened it: read from now on (a second open changes nothing)."""
    if note.read_at is None:
        note.read_at = timezone.now()
        note.save(update_fields=["read_at"])
