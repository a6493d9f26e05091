"""The numbers of the meeting guidance are reference data that change with a new guidance: the admin holds them
(a new guidance is a new row from the day it applies; the meetings before it keep the earlier one's)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from meetings.models import MeetingRuleSet


@admin.register(MeetingRuleSet)
class MeetingRuleSetAdmin(SimpleHistoryAdmin):
    list_display = ("legal_basis", "valid_from", "min_minutes", "min_minutes_combined", "documents_days_before")
