import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", f"khedmat.settings.{os.environ.get('KHEDMAT_PROFILE', 'embedded')}")
application = get_wsgi_application()
