"""The multi-user web application (issue 5): server-rendered pages and a JSON API on a ledger.

:func:`esgledger.web.app.create_app` builds the ASGI application; ``esgledger serve`` runs it.
"""
