"""The embedded default: SQLite, local media, console SMS and e-mail, development outbox on."""
from khedmat.settings.base import *  # noqa: F401,F403
from khedmat.settings.env import env_bool

DEBUG = env_bool("DEBUG", True)
DEV_OUTBOX_ENABLED = env_bool("DEV_OUTBOX_ENABLED", True)
