"""Runs: the plan -> check -> write -> store service, the run history (SQLite) and Dask sweeps.

Used by cli.py, by sweeps and by the web application, so the flow is written once."""
