"""The embedded default: SQLite, local media, console SMS and e-mail, development outbox on.

DEBUG stays off here too (set DEBUG=1 to debug): Django's debug page lists every route and shows
settings, and the embedded profile is what `make run` serves on the intranet. Static files are served
by WhiteNoise (base.MIDDLEWARE, WHITENOISE_USE_FINDERS), which does not need DEBUG, straight from static/ under
their own names (no collectstatic step, so a fresh checkout runs as is; production serves hashed names).
"""
from khedmat.settings.base import *  # noqa: F401,F403
from khedmat.settings.env import env_bool

DEBUG = env_bool("DEBUG", False)
WHITENOISE_AUTOREFRESH = DEBUG
# Development is DEBUG=1: templates are read again on every request. Otherwise (`make run`, the benchmarks' server)
# compiled templates are cached for the life of the process.
TEMPLATES[0]["OPTIONS"]["loaders"] = template_loaders(debug=DEBUG)  # noqa: F405
DEV_OUTBOX_ENABLED = env_bool("DEV_OUTBOX_ENABLED", True)
