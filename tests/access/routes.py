"""The project's URL patterns as route strings ("appointments/{pk}/edit/"), for the read
and write walkers: a new route fails them until it is classified."""

import re

from django.urls import URLPattern, URLResolver, get_resolver


def _walk(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern)


def routes() -> set[str]:
    """Every route, with ``<int:pk>`` (and the API router's regex groups) as ``{pk}`` and
    other converters as ``{name}``."""
    out = set()
    for raw in _walk(get_resolver().url_patterns):
        route = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", raw).replace("^", "").replace("$", "")
        out.add(re.sub(r"<(?:int|str|slug):(\w+)>", r"{\1}", route))
    return out
