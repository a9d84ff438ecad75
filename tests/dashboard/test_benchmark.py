"""The benchmark keeps working: run at a tiny scale, it prints every row, and each page's query
count is the same at both sizes. Times are printed, never asserted."""

import io
import json
import re

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_benchmark_runs_and_query_counts_do_not_grow(plan):
    out = io.StringIO()
    call_command("benchmark", sizes=[36, 90], runs=2, stdout=out)
    text = out.getvalue()
    counts, after_report, cached = {}, {}, {}
    timed = r"\s+(\d+)\s+[\d.]+\s+[\d.]+"
    for line in text.splitlines():
        match = re.match(r"\s*(\d+)\s{2}(.+?)\s{2,}(\d+)\s+[\d.]+\s+[\d.]+" + timed * 2 + "$", line)
        if match:
            page = match.group(2).strip()
            counts.setdefault(page, []).append(int(match.group(3)))
            after_report.setdefault(page, []).append(int(match.group(4)))
            cached.setdefault(page, []).append(int(match.group(5)))
    assert len(counts) == 16, text
    # Plans side by side (issue 18): the small plan's pages, measured again once the large plan
    # is loaded beside it, run the same queries.
    beside = dict(re.findall(r"^\s*36\|90\s{2}(.+?)\s{2,}(\d+)\s", text, re.M))
    assert len(beside) == 14, text
    for page, count in beside.items():
        if page.strip() == "my projects":
            # The clerk's to-do names other active plans' obligations (issue 18): beside a second
            # plan it reads that plan too, a fixed number of queries whatever its size.
            assert counts["my projects"][0] < int(count) <= 15, count
            continue
        assert int(count) == counts[page.strip()][0], (page, count)
    # The briefing's generation time and peak memory, at each size (issue 23).
    briefing = re.findall(r"^\s*(\d+)\s{2}quarterly briefing \(\.docx\)\s+([\d.]+)\s+([\d.]+)",
                          text, re.M)  # fmt: skip
    assert [size for size, _ms, _mb in briefing] == ["36", "90"], text
    assert all(float(ms) > 0 and float(mb) > 0 for _size, ms, mb in briefing), text
    past = re.findall(r"^\s*(\d+)\s{2}quarterly briefing, past quarter \(\.docx\)\s+([\d.]+)"
                      r"\s+([\d.]+)", text, re.M)  # fmt: skip
    assert [size for size, _ms, _mb in past] == ["36", "90"], text
    assert re.search(r"quarterly briefing \d{4}Q\d at 90 projects:", text), text
    for page, (small, large) in counts.items():
        # My projects at the larger size is measured with the smaller plan beside it (see above).
        assert small == large or page == "my projects", (page, small, large)
        assert 0 < small <= large <= 15, (page, small)  # issue 8: no page runs more than 15
    for page in counts:
        for mode in (after_report, cached):
            small, large = mode[page]
            assert small == large or page == "my projects", (page, small, large)
            assert 0 < small <= counts[page][0], (page, small)
        assert cached[page][0] <= after_report[page][0], page
    # The plan-wide pages skip their figures' queries while the cache is fresh.
    for page in ("cockpit", "project table", "reporting matrix", "what changed",
                 "indicator table"):  # fmt: skip
        assert cached[page][0] < counts[page][0], (page, cached[page], counts[page])
    # A project report leaves the indicator figures cached: the cockpit skips their queries.
    assert after_report["cockpit"][0] < counts["cockpit"][0]
    assert after_report["indicator table"][0] == cached["indicator table"][0]
    assert after_report["project table"][0] == counts["project table"][0]
    assert "ratio: export / bare loop" in text and "import untouched: 0 changes" in text
    assert re.findall(r"import: confirm (\d+) changed rows", text) == ["36", "90"]
    assert "flood (1M rows, 5 MB): refused" in text


@pytest.mark.django_db
def test_lockstep_answers_one_request_a_line(plan, monkeypatch, capsys):
    """bench/before_after's side of a pair: the page names first, then "ok" for a warm-up and
    a time in ms for each timed request, in every mode; lines that are not answers (logs) do
    not start with "@@ "."""
    lines = ["warm 0 live", "time 0 live", "warm 3 after", "time 3 after", "time 3 after",
             "warm 10 cached", "time 10 cached"]  # fmt: skip
    monkeypatch.setattr("sys.stdin", io.StringIO("".join(f"{line}\n" for line in lines)))
    call_command("benchmark", sizes=[36], lockstep=True, clock="cpu")
    answers = [line[3:] for line in capsys.readouterr().out.splitlines() if line.startswith("@@ ")]
    names = json.loads(answers[0])
    assert len(names) == 16 and names[0] == "cockpit" and names[10] == "what changed", names
    replies = answers[1:]
    assert len(replies) == len(lines), replies
    for line, reply in zip(lines, replies, strict=True):
        if line.startswith("warm"):
            assert reply == "ok", (line, reply)
        else:
            assert float(reply) > 0, (line, reply)
