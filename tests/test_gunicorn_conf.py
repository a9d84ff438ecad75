"""config/gunicorn.conf.py: gunicorn reads it as deployed, and its hooks freeze the master's
objects before the workers are forked (bench/load_test measures what that is worth)."""

import gc
import runpy
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from gunicorn.app.wsgiapp import WSGIApplication

CONF = Path(__file__).resolve().parent.parent / "config" / "gunicorn.conf.py"


@pytest.fixture(autouse=True)
def collector_restored():
    """Loading the file disables the collector and the hooks freeze objects: undo both."""
    gc.unfreeze()
    yield
    gc.unfreeze()
    gc.enable()


def gunicorn_settings(monkeypatch, *args):
    """The settings gunicorn starts with for ``gunicorn -c config/gunicorn.conf.py ARGS``."""
    monkeypatch.setattr(sys, "argv", ["gunicorn", "-c", str(CONF), *args, "config.wsgi"])
    monkeypatch.delenv("GUNICORN_CMD_ARGS", raising=False)
    monkeypatch.chdir(CONF.parent.parent)
    return WSGIApplication().cfg


class Log:
    def __init__(self):
        self.lines = []

    def info(self, message, *args):
        self.lines.append(message % args)


def master(preload=True):
    """What the hooks see of gunicorn's master (its Arbiter)."""
    cfg = SimpleNamespace(workers=3, threads=2, preload_app=preload)
    return SimpleNamespace(cfg=cfg, worker_class=type("ThreadWorker", (), {}), log=Log())


def test_gunicorn_loads_the_application_in_the_master_with_threaded_workers(monkeypatch):
    cfg = gunicorn_settings(monkeypatch)
    assert cfg.preload_app is True
    assert (cfg.workers, cfg.threads) == (2, 2)
    assert cfg.worker_class.__name__ == "ThreadWorker"
    assert cfg.bind == ["127.0.0.1:8000"]


def test_the_command_line_wins_over_the_file(monkeypatch):
    cfg = gunicorn_settings(monkeypatch, "--workers", "3", "--threads", "1", "-b", "127.0.0.1:9")
    assert (cfg.workers, cfg.threads, cfg.bind) == (3, 1, ["127.0.0.1:9"])
    assert cfg.worker_class.__name__ == "SyncWorker"


def test_the_master_freezes_what_it_loaded_before_forking(monkeypatch):
    monkeypatch.delenv("GUNICORN_GC_FREEZE", raising=False)
    hooks = runpy.run_path(str(CONF))
    assert not gc.isenabled()  # nothing collected while the application is imported
    server = master()

    hooks["when_ready"](server)

    assert gc.get_freeze_count() > 0
    assert gc.isenabled()
    assert "gc.freeze=True" in server.log.lines[0]
    assert any("objects frozen before forking" in line for line in server.log.lines)
    made_since = [[] for _ in range(1000)]  # noqa: F841 (lists the collector tracks, kept alive)
    frozen = gc.get_freeze_count()
    hooks["pre_fork"](server, worker=None)
    assert gc.get_freeze_count() > frozen


@pytest.mark.parametrize(
    ("freeze", "preload"), [("0", True), ("1", False)], ids=["GUNICORN_GC_FREEZE=0", "no preload"]
)
def test_nothing_is_frozen_when_turned_off_or_nothing_is_preloaded(monkeypatch, freeze, preload):
    monkeypatch.setenv("GUNICORN_GC_FREEZE", freeze)
    hooks = runpy.run_path(str(CONF))
    server = master(preload=preload)

    hooks["when_ready"](server)
    hooks["pre_fork"](server, worker=None)

    assert gc.get_freeze_count() == 0
    assert gc.isenabled()  # the workers collect garbage in every case
