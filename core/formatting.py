"""Numbers the Vietnamese way (1.234,5), shared by pages, charts, PDF and Excel."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format


def number(value, decimals: int = 1) -> str:
    """1.234,5 in Vietnamese; trailing zeros of a whole number dropped (85 %, not 85,0 %)."""
    if value is None:
        return "—"
    value = Decimal(value).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)  # 66.67 → 66,7
    if value == value.to_integral_value():
        return number_format(int(value), 0, force_grouping=True)
    return number_format(value, decimals, force_grouping=True)

