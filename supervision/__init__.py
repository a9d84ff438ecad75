"""How the coordinating office supervises the plan (督办): the review states every report carries
and the transitions (审核: approve, return, undo), the review queue, task reports and the lead
units' summaries, evidence files (佐证材料), closing periods and reopening them, reminders (催办)
and the daily digest, the three colours (三色督办), completeness and the reporting matrix.

It sits above ``plan`` and below the apps that hold reports of their own. It never imports
``projects`` or ``indicators``: they describe their reports (project reports, indicator values)
as ``registry.ReportKind`` and register them in their ``AppConfig.ready()``; the queue, the review
page, the to-do, the matrix, the digest and the reopen form iterate ``registry.kinds()``. Its own
supervision items (督办件) register the same way (``item_kind``), so that the queue, the menu's
count, the matrix's section of deadlines, the digest and the colours take them without special
cases.
"""
