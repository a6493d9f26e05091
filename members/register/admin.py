"""Status periods in the admin, for administrators correcting records: the admin's form runs the model's
``clean`` (the same overlap rule as the pages and the import) and saves through the service, so the change
events (meetings' attendance, rating figures) follow as from the pages."""

from django.contrib import admin

from members.register.models import AdmissionAgeRule, StatusPeriod
from members.register.services import status_period_add, status_period_update


@admin.register(StatusPeriod)
class StatusPeriodAdmin(admin.ModelAdmin):
    list_display = ("member", "kind", "valid", "decision", "decision_body")
    list_filter = ("kind",)
    raw_id_fields = ("member",)
    search_fields = ("member__full_name", "decision")

    def save_model(self, request, obj, form, change):
        fields = {"kind": obj.kind, "start": obj.valid.lower, "end": obj.valid.upper, "decision": obj.decision,
                  "decision_body": obj.decision_body, "reason": obj.reason, "user": request.user}
        if change:
            saved = status_period_update(period=obj, **fields)
        else:
            saved = status_period_add(member=obj.member, **fields)
        obj.pk = saved.pk


@admin.register(AdmissionAgeRule)
class AdmissionAgeRuleAdmin(admin.ModelAdmin):
    """Reference data: a new regulation on admission ages is a new row from the day it applies."""

    list_display = ("legal_basis", "valid_from", "min_months", "max_months")
