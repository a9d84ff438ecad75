"""The indicator system (指标体系): indicators, yearly targets and their revisions, values, the
progress arithmetic and the chart data. Registers the indicator value with the supervision cycle
(``report_kind.py``, in ``IndicatorsConfig.ready()``)."""
