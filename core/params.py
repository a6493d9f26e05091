"""Reading numbers from query strings and forms the same way everywhere: a value that is not a number, or a
year outside what the records can hold, is the default (a typo in a URL is not a server error)."""

from __future__ import annotations

YEARS = range(1930, 2101)  # beyond these a year is a typo (and would overflow the year columns)


def int_param(value, default=None):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def year_param(value, default=None):
    year = int_param(value)
    return year if year in YEARS else default
