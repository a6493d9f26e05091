"""Reading a list page in a test: the records on the page its table shows (core.lists)."""

from core.lists import page_records


def records(response, name: str = "table") -> list:
    return page_records(response.context[name])
