"""Bulk writes of the demo loaders: rows the services built (unsaved model instances) go to the database with
COPY, and their audit trail's "created" rows with one INSERT … SELECT, as ``bulk_create_with_history`` would
write them (history date now, no user, the same columns) but without building a history object per row or a
multi-row INSERT statement per batch. The demo is a trusted loader: the rows were validated by the services
that built them."""

from __future__ import annotations

import json
from collections.abc import Sequence

from django.db import connection, models

from core.bulk import copy_rows
from devdata.scale import reserve_ids

_HISTORY_OWN = ("history_id", "history_date", "history_change_reason", "history_type", "history_user_id")


def history_sql(model, reason: str = "") -> str:
    """INSERT … SELECT of the historical "+" rows of the model's rows with ids in [%(first)s, %(last)s]."""
    history = model.history.model
    columns = [f.column for f in history._meta.concrete_fields if f.column not in _HISTORY_OWN]
    cols = ", ".join(columns)
    return (f"INSERT INTO {history._meta.db_table} ({cols}, history_date, history_change_reason, history_type, "
            f"history_user_id) SELECT {cols}, now(), '{reason}', '+', NULL FROM {model._meta.db_table} "
            f"WHERE id BETWEEN %(first)s AND %(last)s")


def _value(field: models.Field, obj):
    value = field.pre_save(obj, True)  # auto_now(_add) columns get their value as on a save
    if isinstance(field, models.JSONField):
        return None if value is None else json.dumps(value, ensure_ascii=False)
    return value


def insert_with_history(model, objects: Sequence[models.Model], *, history: bool = True, reason: str = "") -> int:
    """COPY ``objects`` (new, unsaved) into ``model``'s table with consecutive ids — set on the objects — and,
    when the model keeps history, write their "created" history rows. Returns the number of rows."""
    if not objects:
        return 0
    first = reserve_ids(model, len(objects))
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    for n, obj in enumerate(objects):
        obj.pk = first + n
        obj._state.adding, obj._state.db = False, connection.alias
    copy_rows(model, ["id"] + [f.column for f in fields],
              ([obj.pk] + [_value(f, obj) for f in fields] for obj in objects))
    if history and hasattr(model, "history"):
        with connection.cursor() as cur:
            cur.execute(history_sql(model, reason), {"first": first, "last": first + len(objects) - 1})
    return len(objects)


def analyze(*app_labels: str) -> None:
    """ANALYZE the tables of these apps (all of ours when none is named), leaving out the audit history tables
    no loader reads: thousands of rows were just inserted in this transaction, and the planner must not take
    them for empty — but statistics of the whole database (every history table) cost far more than they help."""
    from django.apps import apps

    ours = app_labels or ("organizations", "members", "ratings", "admissions", "meetings", "inspections", "targets",
                          "records", "system")
    tables = sorted({model._meta.db_table for label in ours for model in apps.get_app_config(label).get_models(
        include_auto_created=True) if model._meta.managed and not model._meta.proxy
        and not model.__name__.startswith("Historical")})
    with connection.cursor() as cur:
        cur.execute("ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in tables))
