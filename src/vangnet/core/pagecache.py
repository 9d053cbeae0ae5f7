"""Whole-page cache for public pages that are the same for every visitor.

A media spike brings thousands of parents to the same few pages; rendering each of them once
per cache period instead of once per visitor keeps the database free for the chat and the staff.

Only a request without cookies and without a query string is served from, or stored in, the
cache; only a 200 that sets no cookie, saved no session and used no CSRF token is stored. So a
cached page cannot carry anything of one visitor to another. Staff (who have cookies) always get
a page rendered for them.

Invalidation: every save or delete of a model in PUBLIC_CONTENT_APPS (the guide's pages and the
help directory, edited in the admin) bumps one version number; entries of an older version are
not served. Entries also expire after VANGNET_PAGE_CACHE_SECONDS, which bounds how old an
"open now" in the directory can get.

Behind nginx, a stored page also says `X-Accel-Expires` for nginx's micro-cache (see
deploy/nginx-vangnet.conf); nginx keeps that header from the browser.

Shared renderings (`shared_rendering`): a page that depends on a few choices but is otherwise
the same for everyone (a directory search: need, audience, region) is rendered once per
*normalised* choice, with placeholders where the visitor's own input is echoed (the postcode
they typed), and those are filled in per request. The cache key never holds what the visitor
typed, only the normalised variant; the same version number invalidates these entries.
nginx may keep such a page too (`X-Accel-Expires`), but only when the request's query string
is exactly the search's canonical form (`canonical_query`): any other spelling of the same
search, and every search with a postcode in it, reaches Django and is not stored by nginx, so
query strings a visitor makes up cannot fill nginx's cache.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.utils.html import escape
from django.utils.translation import get_language

from vangnet.core import metrics

logger = logging.getLogger(__name__)

PUBLIC_CONTENT_APPS = frozenset({"guide"})
VERSION_KEY = "pagecache:version"
# How long nginx's micro-cache may keep a page: short, since nginx cannot be told of an edit.
PROXY_CACHE_SECONDS = 10

View = Callable[..., HttpResponse]


def cached_public_page(view: View) -> View:
    """Serve a public page from the cache when the request allows it; store it otherwise."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not _may_use_cache(request):
            metrics.page_cache("bypass")
            return view(request, *args, **kwargs)
        key = f"pagecache:page:{get_language()}:{request.path}"
        try:
            found = cache.get_many([VERSION_KEY, key])
        except Exception as error:  # Redis restarting: render, as without a cache
            return _without_cache(error, view, request, *args, **kwargs)
        version = found.get(VERSION_KEY, 0)
        entry = found.get(key)
        if entry is not None and entry[0] == version:
            metrics.page_cache("hit")
            return _cached_response(entry[1], entry[2])
        response = view(request, *args, **kwargs)
        if _may_store(request, response):
            metrics.page_cache("miss")
            entry = (version, response.content, response["Content-Type"])
            try:
                cache.set(key, entry, settings.VANGNET_PAGE_CACHE_SECONDS)
            except Exception as error:
                _cache_unreachable(error)
            _allow_proxy_cache(response)
        return response

    return wrapper


def placeholder(name: str) -> str:
    """Stands in a shared rendering for a value of the visitor's own; survives HTML escaping."""
    return f"\x00{name}\x00"


def shared_rendering(
    request: HttpRequest,
    *,
    variant: str,
    render: Callable[[Mapping[str, str]], HttpResponse],
    own_values: Mapping[str, str],
    timeout: int,
    canonical_query: str | None = None,
) -> HttpResponse:
    """`render(values)` once per `variant` (at most `timeout` seconds), shared by every visitor.

    `variant` must be a normalised choice (never free text of the visitor): it is the cache
    key. `render` is called with `placeholder(name)` for every name in `own_values`; each
    answer gets the visitor's own values, escaped, in their place. A request with cookies (a
    staff member) gets a page rendered for itself, as with `cached_public_page`.

    When the request's query string is exactly `canonical_query` and no value of the visitor's
    own is in the page, the answer also allows nginx's micro-cache (for at most `timeout`).
    """
    if not _may_use_cache(request, allow_query=True):
        metrics.search_cache("bypass")
        return render(own_values)
    key = f"pagecache:shared:{get_language()}:{request.path}:{variant}"
    try:
        found = cache.get_many([VERSION_KEY, key])
    except Exception as error:  # Redis restarting: render, as without a cache
        _cache_unreachable(error)
        metrics.search_cache("error")
        return render(own_values)
    version = found.get(VERSION_KEY, 0)
    entry = found.get(key)
    proxy_may_keep = (
        canonical_query is not None
        and request.META.get("QUERY_STRING", "") == canonical_query
        and not any(own_values.values())
    )
    if entry is not None and entry[0] == version:
        metrics.search_cache("hit")
        response = _filled(HttpResponse(entry[1], content_type=entry[2]), own_values)
        if proxy_may_keep:
            _allow_proxy_cache(response, timeout)
        return response
    response = render({name: placeholder(name) for name in own_values})
    timeout = min(timeout, settings.VANGNET_PAGE_CACHE_SECONDS)
    if _may_store(request, response) and timeout > 0:
        metrics.search_cache("miss")
        try:
            cache.set(key, (version, response.content, response["Content-Type"]), timeout)
        except Exception as error:
            _cache_unreachable(error)
        if proxy_may_keep:
            _allow_proxy_cache(response, timeout)
    return _filled(response, own_values)


def _filled(response: HttpResponse, values: Mapping[str, str]) -> HttpResponse:
    content = response.content
    for name, value in values.items():
        content = content.replace(placeholder(name).encode(), escape(value).encode())
    response.content = content
    return response


def invalidate_public_pages(**_signal: Any) -> None:
    """Make every cached page stale at once (a new version number)."""
    try:
        try:
            cache.incr(VERSION_KEY)
        except ValueError:  # no version yet
            cache.add(VERSION_KEY, 1, timeout=None)
            cache.incr(VERSION_KEY)
    except Exception as error:
        # An edit while the cache is away: its entries expire on their own.
        logger.warning("page cache not invalidated (%s); entries expire by themselves", error)


def public_content_changed(sender: type[Any], **kwargs: Any) -> None:
    if sender._meta.app_label in PUBLIC_CONTENT_APPS:
        invalidate_public_pages()


def connect_invalidation() -> None:
    post_save.connect(public_content_changed, dispatch_uid="vangnet.pagecache.save")
    post_delete.connect(public_content_changed, dispatch_uid="vangnet.pagecache.delete")


def _may_use_cache(request: HttpRequest, *, allow_query: bool = False) -> bool:
    return (
        settings.VANGNET_PAGE_CACHE_SECONDS > 0
        and request.method in {"GET", "HEAD"}
        and not request.COOKIES
        and (allow_query or not request.META.get("QUERY_STRING"))
    )


def _may_store(request: HttpRequest, response: HttpResponse) -> bool:
    session = getattr(request, "session", None)
    queued_messages = getattr(getattr(request, "_messages", None), "_queued_messages", [])
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "Set-Cookie" not in response
        and not (session is not None and session.modified)
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not queued_messages
    )


def _cached_response(content: bytes, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    _allow_proxy_cache(response)
    return response


def _allow_proxy_cache(response: HttpResponse, at_most: int | None = None) -> None:
    seconds = min(PROXY_CACHE_SECONDS, settings.VANGNET_PAGE_CACHE_SECONDS)
    if at_most is not None:
        seconds = min(seconds, at_most)
    if seconds > 0:  # the last second of a minute: nothing worth keeping
        response["X-Accel-Expires"] = str(seconds)


def _without_cache(
    error: Exception, view: View, request: HttpRequest, *a: Any, **k: Any
) -> HttpResponse:
    _cache_unreachable(error)
    metrics.page_cache("error")
    return view(request, *a, **k)


_last_warning = 0.0


def _cache_unreachable(error: Exception) -> None:
    """One line a minute while the cache is away, not one per request."""
    global _last_warning
    now = time.monotonic()
    if now - _last_warning > 60:
        _last_warning = now
        logger.warning("page cache unreachable (%s); pages are rendered", type(error).__name__)
