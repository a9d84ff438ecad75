"""Every page of the supervision cycle answers at the path it had before the cycle moved out of
``plan`` and ``dashboard`` (links in e-mails already sent keep working); only the URL names'
namespace changed, to ``supervision``."""

import pytest
from django.urls import resolve

OLD_PATHS = {
    "/reviews/": "review-queue",
    "/reviews/task/7/": "review-detail",
    "/reports/": "report-matrix",
    "/reports/export.xlsx": "report-export",
    "/reports/3/2025Q4/": "unit-period-reports",
    "/reports/remind/": "reminder-notice",
    "/reopen/": "reopen-list",
    "/reopen/request/": "reopen-request",
    "/reopen/4/decide/": "reopen-decide",
    "/plan/tasks/2/report/3/2025Q4/": "task-report",
    "/plan/tasks/2/summary/2025Q4/": "task-summary",
    "/plan/reports/5/": "task-report-detail",
    "/plan/reports/5/evidence/": "task-report-evidence",
    "/plan/evidence/6/download/": "evidence-download",
    "/plan/evidence/6/remove/": "evidence-remove",
}


@pytest.mark.parametrize(("path", "name"), OLD_PATHS.items())
def test_each_cycle_page_answers_at_its_old_path(path, name):
    match = resolve(path)
    assert (match.namespace, match.url_name) == ("supervision", name)
    assert match.func.__module__.startswith("supervision.")
