"""The web application: a face beside cli.py (FastAPI, server-rendered pages, HTMX); see web/app.py."""
