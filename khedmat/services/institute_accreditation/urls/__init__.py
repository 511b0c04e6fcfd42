"""URLs of service 2, one module per module of `views`; `khedmat/urls.py` includes each at its prefix."""
