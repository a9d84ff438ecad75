"""The annex tables (附表) and their key projects, each project's quarterly reports, the project
tables and filters, and the annexes' Excel export and import. Registers the project report with
the supervision cycle (``report_kind.py``, in ``ProjectsConfig.ready()``)."""
