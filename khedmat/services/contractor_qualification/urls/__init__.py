"""URLs of service 4, one module per module of `views`; `khedmat/urls.py` includes each at its prefix."""
