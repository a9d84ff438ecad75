"""Cached figures: the plan-wide parts of the cockpit, the project table, the report matrix, the
indicator table and the changes page, rendered once and served again until something they read
changes.

What they read is the plan's data, in three domains: project reports (``projects``), task
reports (``tasks``) and indicator values (``indicators``). Every plan carries a stamp per
domain, a token that changes after each committed write to a model of that domain (a
``post_save``/``post_delete`` handler each app connects with ``watch``); a write to the plan's
structure (the plan, its units, tasks, annexes) changes all three. Bulk writes, which send no
signals, call ``figures_changed`` themselves. A cached fragment's key holds the stamps of the
domains it reads, of the plan as loaded by the request, with the plan, the language, today's
date (lag and colours move with the calendar) and what the page varies on: a new stamp makes
every older key unreachable, and entries expire by themselves (``FIGURES_CACHE_SECONDS``). So a
unit's project report, the commonest write, leaves the indicator figures cached.

A stamp changes once per transaction, after it commits (``transaction.on_commit``): a reader
that loaded the old stamp before the commit also read the old rows, so what it caches under the
old stamp is what that stamp stood for, and no write holds a lock on the plan rows while its
transaction runs. A write outside any transaction changes the stamp at once. If a process dies
between a commit and the stamp's change, the fragments stay stale at most until they expire.

Signals, against the house habit of no side effects in signals, because a missed change would
show stale figures: a service, the admin, the Excel import and ``loaddata`` all save through
the ORM, and the handler sees every one of them. It changes no data of the domain.

Where the cache lives (``CACHES["figures"]``): in production one Redis server shared by every
worker (``DJANGO_FIGURES_CACHE_URL``), so that a write makes each figure rebuilt once, not once
per worker; on the embedded set-up (no URL) each process's memory. The stamps come from the
database either way, so the keys are right whoever reads them. The cache is an accelerator, never
a dependency: if Redis is unreachable, pages render their figures live, and the cache is left
alone for ``UNREACHABLE_PAUSE`` seconds before it is tried again (a down server must not add a
connection timeout to every fragment of every page).
"""

import hashlib
import logging
import time
import uuid

from django.conf import settings
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.translation import get_language

CACHE_ALIAS = "figures"
UNREACHABLE_PAUSE = 30  # seconds without trying the cache after it failed

logger = logging.getLogger(__name__)
try:  # what a cache server that is down raises (redis-py), besides the socket's own errors
    from redis.exceptions import RedisError as _RedisError

    CACHE_ERRORS: tuple[type[BaseException], ...] = (OSError, _RedisError)
except ImportError:  # pragma: no cover - redis is in requirements.txt
    CACHE_ERRORS = (OSError,)
_paused_until = 0.0
PROJECTS, TASKS, INDICATORS = "projects", "tasks", "indicators"
DOMAINS = (PROJECTS, TASKS, INDICATORS)


def new_stamp() -> str:
    return uuid.uuid4().hex


def stamp_field(domain: str) -> str:
    return f"{domain}_stamp"


class _StampChange:
    """Gives every plan a new stamp for one domain (there are a handful of plans, and the models
    that change do not all know theirs). One instance per domain, so that a transaction can
    tell whether it has registered it already."""

    def __init__(self, domain: str):
        self.domain = domain
        self.__name__ = f"change_{domain}_stamp"

    def __call__(self) -> None:
        from .models import Plan

        Plan.objects.update(**{stamp_field(self.domain): new_stamp()})


STAMP_CHANGES = {domain: _StampChange(domain) for domain in DOMAINS}


def figures_changed(*domains: str, using: str = DEFAULT_DB_ALIAS) -> None:
    """Make the cached figures of ``domains`` (all by default) stale once the current
    transaction commits (at once outside one); called any number of times in a transaction,
    each stamp changes once."""
    connection = transaction.get_connection(using)
    for domain in domains or DOMAINS:
        change = STAMP_CHANGES[domain]
        if not connection.in_atomic_block:
            change()
        elif not any(func is change for _sids, func, _robust in connection.run_on_commit):
            # A registration still pending will run if this write commits: the savepoints that
            # could drop it enclose this write too.
            transaction.on_commit(change, using=using)


def watch(domains: tuple[str, ...], *models) -> None:
    """Make a write to any of ``models`` (saved or deleted one by one) stale the figures of
    ``domains`` (empty: all of them)."""

    def on_write(sender, using=DEFAULT_DB_ALIAS, **kwargs) -> None:
        figures_changed(*domains, using=using)

    for model in models:
        uid = f"figures_changed:{model._meta.label}"
        post_save.connect(on_write, sender=model, dispatch_uid=uid + ":save", weak=False)
        post_delete.connect(on_write, sender=model, dispatch_uid=uid + ":delete", weak=False)


def watch_app(app_config, domains: dict) -> None:
    """``watch`` every model of an app but the history tables (django-simple-history writes one
    row beside each change already watched): the models named in ``domains`` (model name ->
    domains) for theirs, every other model for all domains (the plan's structure)."""
    for model in app_config.get_models():
        if not model.__name__.startswith("Historical"):
            watch(domains.get(model.__name__, ()), model)


def fragment_key(plan, name: str, domains, vary_on) -> str:
    stamps = [getattr(plan, stamp_field(domain)) for domain in domains]
    parts = [name, plan.pk, *stamps, get_language(), timezone.localdate().isoformat()]
    parts += [str(value) for value in vary_on]
    digest = hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()
    return f"figures:{name}:{digest}"


def cached(plan, name: str, domains, vary_on, compute):
    """``compute()``'s result (rendered HTML or small plain data), from the cache while the
    plan's figures of ``domains`` have not changed since."""
    seconds = settings.FIGURES_CACHE_SECONDS
    if not plan or not seconds:  # no plan (or a lazy one that is None): nothing to key on
        return compute()
    if time.monotonic() < _paused_until:  # the cache failed a moment ago: render live
        return compute()
    cache = caches[CACHE_ALIAS]
    key = fragment_key(plan, name, domains, vary_on)
    try:
        value = cache.get(key)
    except CACHE_ERRORS as error:
        _pause(error)
        return compute()
    if value is None:
        value = compute()
        try:
            cache.set(key, value, seconds)
        except CACHE_ERRORS as error:
            _pause(error)
    return value


def _pause(error: BaseException) -> None:
    """The cache server did not answer: say so once, and leave it alone for a while."""
    global _paused_until
    _paused_until = time.monotonic() + UNREACHABLE_PAUSE
    logger.warning(
        "figures cache unreachable (%s); rendering live for %ss", error, UNREACHABLE_PAUSE
    )
