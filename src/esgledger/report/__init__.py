"""The report layer: turn a ledger period into a published ESG report (HTML and PDF).

The flow is ``build`` (ledger -> :class:`~esgledger.report.model.ReportModel`, every number
formatted from calculated figures), ``charts`` (chart specs -> inline SVG) and ``render``
(model -> self-contained HTML and a PDF through WeasyPrint). The layout of a report - chapters,
narratives with ``{metric}`` references, KPI tables and charts - is data, stored in the ledger
as the setting ``report``.
"""
