"""The Celery application. Broker: Redis, REDIS_URL's or the embedded one (core/embedded_broker.py)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("partybuilding")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
