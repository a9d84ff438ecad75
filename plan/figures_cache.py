"""Cached figures: the plan-wide parts of the cockpit, the report matrix, the indicator table and
the changes page, rendered once and served again until something they read changes.

What they read is the plan's data, so every plan carries a ``figures_stamp``, a token that
changes after each committed write to a model of the plan, the projects or the indicators (a
``post_save``/``post_delete`` handler each app connects with ``watch``; bulk writes, which send
no signals, call ``figures_changed`` themselves). A cached fragment's key holds the stamp of the
plan as loaded by the request, with the plan, the language, today's date (lag and colours move
with the calendar) and what the page varies on; a new stamp makes every older key unreachable,
and the entries expire by themselves (``FIGURES_CACHE_SECONDS``).

The stamp changes once per transaction, after it commits (``transaction.on_commit``): a reader
that loaded the old stamp before the commit also read the old rows, so what it caches under the
old stamp is what that stamp stood for, and no write holds a lock on the plan rows while its
transaction runs. A write outside any transaction changes the stamp at once. If a process dies
between a commit and the stamp's change, the fragments stay stale at most until they expire.

Each worker keeps its own cache (``CACHES["figures"]``, in memory): the stamp comes from the
database, so the workers agree on what is stale without sharing a cache server.
"""

import hashlib
import uuid

from django.conf import settings
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.translation import get_language

CACHE_ALIAS = "figures"


def new_stamp() -> str:
    return uuid.uuid4().hex


def _change_stamps() -> None:
    from .models import Plan

    # Every plan's: there are a handful, and the models that change do not all know theirs.
    Plan.objects.update(figures_stamp=new_stamp())


def figures_changed(using: str = DEFAULT_DB_ALIAS) -> None:
    """Make the cached figures stale once the current transaction commits (at once outside
    one); called any number of times in a transaction, the stamps change once."""
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        _change_stamps()
        return
    if any(func is _change_stamps for _sids, func, _robust in connection.run_on_commit):
        return
    transaction.on_commit(_change_stamps, using=using)


def _on_write(sender, using=DEFAULT_DB_ALIAS, **kwargs) -> None:
    figures_changed(using)


def watch(*models) -> None:
    """Make a write to any of ``models`` (saved or deleted one by one) stale the figures."""
    for model in models:
        uid = f"figures_changed:{model._meta.label}"
        post_save.connect(_on_write, sender=model, dispatch_uid=uid + ":save")
        post_delete.connect(_on_write, sender=model, dispatch_uid=uid + ":delete")


def watch_app(app_config) -> None:
    """``watch`` every model of an app but the history tables (django-simple-history writes one
    row beside each change already watched)."""
    watch(*(m for m in app_config.get_models() if not m.__name__.startswith("Historical")))


def fragment_key(plan, name: str, vary_on) -> str:
    parts = [name, plan.pk, plan.figures_stamp, get_language(), timezone.localdate().isoformat()]
    parts += [str(value) for value in vary_on]
    digest = hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()
    return f"figures:{name}:{digest}"


def cached_fragment(plan, name: str, vary_on, render) -> str:
    """``render()``'s output, from the cache when the plan's figures have not changed since."""
    seconds = settings.FIGURES_CACHE_SECONDS
    if not plan or not seconds:  # no plan (or a lazy one that is None): nothing to key on
        return render()
    cache = caches[CACHE_ALIAS]
    key = fragment_key(plan, name, vary_on)
    html = cache.get(key)
    if html is None:
        html = render()
        cache.set(key, html, seconds)
    return html
