"""Request handling shared by every app that no library provides."""

from __future__ import annotations

from urllib.parse import parse_qsl

from django.conf import settings
from django.core.exceptions import TooManyFieldsSent
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict

POST_FIELDS_SETTING = "post_fields_setting"


def many_post_fields(setting_name: str):
    """Let a view's form posts carry up to ``settings.<setting_name>`` fields instead of Django's
    DATA_UPLOAD_MAX_NUMBER_FIELDS (1,000): a rating grid posts about six inputs per member, and a grassroots
    organization may have thousands of members. Every other view keeps Django's limit, which guards the
    parsing of posts nobody expects to be large. Read by ``ManyPostFieldsMiddleware``; the login and method
    decorators copy the mark onto their wrappers (functools.wraps)."""

    def mark(view):
        setattr(view, POST_FIELDS_SETTING, setting_name)
        return view

    return mark


class ManyPostFieldsMiddleware:
    """Parses the form post of a view marked by ``many_post_fields`` with that view's limit, before the CSRF
    middleware reads the token from it (which would parse it with the global limit and answer 400). Must come
    before CsrfViewMiddleware. The body itself stays bounded by DATA_UPLOAD_MAX_MEMORY_SIZE."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        setting_name = getattr(view_func, POST_FIELDS_SETTING, None)
        if (setting_name is None or request.method != "POST"
                or request.content_type != "application/x-www-form-urlencoded"):
            return None
        limit = getattr(settings, setting_name)
        encoding = request.encoding or settings.DEFAULT_CHARSET
        try:
            pairs = parse_qsl(request.body.decode(encoding, errors="replace"), keep_blank_values=True,
                              max_num_fields=limit)
        except ValueError as exc:
            raise TooManyFieldsSent(f"The number of POST fields exceeds {setting_name} ({limit}).") from exc
        post = QueryDict(mutable=True, encoding=encoding)
        for key, value in pairs:
            post.appendlist(key, value)
        post._mutable = False
        request._post, request._files = post, MultiValueDict()
        return None
