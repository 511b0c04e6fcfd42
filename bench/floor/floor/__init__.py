"""The floor: a bare Django project (startproject's settings, one model, one view) whose page reads and renders 50 of
N rows. `bench/http.py` serves it beside Khedmat under the same gunicorn, database and load, so that Khedmat's pages
are reported as a cost relative to what Django itself needs for a page of that size."""
