"""WSGI entry point, served by waitress: ``waitress-serve shidian.wsgi:application``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shidian.settings.base")

application = get_wsgi_application()
