"""gunicorn's settings for the dashboard: ``gunicorn -c config/gunicorn.conf.py config.wsgi``.

Sized for a server of two cores (bench/load_test measured the choice, docs/operations.md gives
the figures). Options given on the command line win over this file (``--workers 4 --bind ...``).

The application is loaded once in the master (``preload_app``) and the workers are forked from
it, sharing its memory copy-on-write. Python's cyclic garbage collector would write to every
object it examines and so copy the shared pages into each worker; ``gc.freeze()`` in the master
before each fork moves everything loaded so far out of the collector's sight (Python's docs, gc:
"disable early in the parent, freeze right before fork"). The workers then collect only what
they allocate themselves. ``GUNICORN_GC_FREEZE=0`` turns that off (to measure against it).

Preloading means a plain ``kill -HUP`` restarts the workers on the code already loaded: after an
upgrade, restart the service (``systemctl restart``), which starts a new master.
"""

import gc
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Two cores, shared with PostgreSQL: two processes keep them busy (bench/load_test measured 3 and
# 4 workers, and 4 threads, as slower, with more CPU per request and more memory). Two threads
# each (gunicorn's gthread worker) cost nothing measurable and keep the site answering while
# two long requests (an Excel export or import, the quarterly briefing) run.
workers = 2
threads = 2
preload_app = True
timeout = 60  # the largest exports and imports take a few seconds at 10,000 projects
graceful_timeout = 30
keepalive = 5  # behind a reverse proxy on the same machine, which keeps connections open

GC_FREEZE = os.environ.get("GUNICORN_GC_FREEZE", "1") not in ("0", "false", "no")

if GC_FREEZE:
    # No collection while the application is imported: a collection then would free objects
    # between long-lived ones, and the holes would be written to (copied) in every worker.
    gc.disable()


def when_ready(server):
    """In the master, after the application is loaded and before the first worker is forked."""
    server.log.info(
        "gunicorn.conf: %d workers x %d threads (%s), preload_app=%s, gc.freeze=%s",
        server.cfg.workers, server.cfg.threads, server.worker_class.__name__,
        server.cfg.preload_app, GC_FREEZE and server.cfg.preload_app,
    )  # fmt: skip
    if server.cfg.preload_app:
        # Import every view now, in the master, so that the workers share them instead of each
        # importing them on its first request.
        from django.db import connections
        from django.urls import get_resolver

        get_resolver().url_patterns  # noqa: B018 (imports the URLconf and every view module)
        connections.close_all()  # no database connection may be shared by forked workers
        if GC_FREEZE:
            gc.freeze()
            server.log.info("gc.freeze(): %d objects frozen before forking", gc.get_freeze_count())
    # Frozen objects are out of the collector's reach: from here on the master, and the workers
    # forked from it, collect only what they allocate themselves.
    gc.enable()


def pre_fork(server, worker):
    """In the master, before each fork (also of a worker that replaces one that died)."""
    if GC_FREEZE and server.cfg.preload_app:
        gc.freeze()
