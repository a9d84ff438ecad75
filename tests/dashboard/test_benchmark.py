"""The benchmark keeps working: run at a tiny scale, it prints every row, and each page's query
count is the same at both sizes. Times are printed, never asserted."""

import io
import re

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_benchmark_runs_and_query_counts_do_not_grow(plan):
    out = io.StringIO()
    call_command("benchmark", sizes=[36, 90], runs=2, stdout=out)
    text = out.getvalue()
    counts, cached = {}, {}
    for line in text.splitlines():
        match = re.match(
            r"\s*(\d+)\s{2}(.+?)\s{2,}(\d+)\s+[\d.]+\s+[\d.]+\s+(\d+)\s+[\d.]+\s+[\d.]+$", line
        )
        if match:
            counts.setdefault(match.group(2).strip(), []).append(int(match.group(3)))
            cached.setdefault(match.group(2).strip(), []).append(int(match.group(4)))
    assert len(counts) == 10, text
    for page, (small, large) in counts.items():
        assert small == large, (page, small, large)
        assert 0 < small <= 15, (page, small)  # issue 8: no page runs more than 15
    for page, (small, large) in cached.items():
        assert small == large, (page, small, large)
        assert 0 < small <= counts[page][0], (page, small)
    # The plan-wide pages skip their figures' queries while the cache is fresh.
    for page in ("cockpit", "project table", "reporting matrix", "what changed",
                 "indicator table"):  # fmt: skip
        assert cached[page][0] < counts[page][0], (page, cached[page], counts[page])
    assert "ratio: export / bare loop" in text and "import: check + preview" in text
