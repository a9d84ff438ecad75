"""The completeness matrix on a hand-built data set: cells, row and column counts."""

import datetime as dt
from types import SimpleNamespace

from plan.periods import Period, ReportState, due_date
from supervision.completeness import build_matrix

P1, P2, P3 = Period(2024, 3), Period(2024, 4), Period(2025, 1)
TODAY = dt.date(2025, 1, 20)  # P1 and P2 are due; P3 is not (due 2025-04-10)
UNITS = [SimpleNamespace(pk=1, name="甲"), SimpleNamespace(pk=2, name="乙"),
         SimpleNamespace(pk=3, name="丙")]  # fmt: skip


def matrix():
    return build_matrix(
        units=UNITS,
        periods=[P1, P2, P3],
        obligations={1: ["t1", "t2"], 2: ["t1"]},  # 丙 owes nothing: no row
        submissions={
            (1, "t1", P1): (dt.date(2024, 10, 5), "r1"),
            (1, "t2", P1): (dt.date(2024, 10, 15), "r2"),  # late
            (1, "t1", P2): (dt.date(2025, 1, 9), "r3"),
            (2, "t1", P1): (dt.date(2024, 10, 10), "r4"),
            (2, "t1", P3): (dt.date(2025, 1, 19), "r5"),  # early, before the due date
        },
        due_dates={p: due_date(p, 10) for p in (P1, P2, P3)},
        today=TODAY,
    )


def test_rows_only_for_units_that_owe_reports():
    assert [row.unit.name for row in matrix().rows] == ["甲", "乙"]


def test_cells_take_the_worst_state_and_count_what_came_in():
    first, second = matrix().rows
    assert [c.state for c in first.cells] == [ReportState.LATE, ReportState.OVERDUE,
                                              ReportState.NOT_DUE]  # fmt: skip
    assert [c.received for c in first.cells] == [2, 1, 0]
    assert [c.state for c in second.cells] == [ReportState.SUBMITTED, ReportState.OVERDUE,
                                               ReportState.SUBMITTED]  # fmt: skip
    assert first.cells[0].items[1].ref == "r2"


def test_row_and_column_totals():
    m = matrix()
    first, second = m.rows
    assert dict(first.totals) == {"submitted": 2, "late": 1, "overdue": 1, "not_due": 2}
    assert dict(second.totals) == {"submitted": 2, "overdue": 1}
    columns = m.period_totals
    assert dict(columns[0]) == {"submitted": 2, "late": 1}
    assert dict(columns[1]) == {"submitted": 1, "overdue": 2}
    assert dict(columns[2]) == {"not_due": 2, "submitted": 1}
    assert dict(m.totals) == {"submitted": 4, "late": 1, "overdue": 2, "not_due": 2}
