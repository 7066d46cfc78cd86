"""WSGI entry point, served by waitress: ``waitress-serve shidian.wsgi:application``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shidian.settings.base")

application = get_wsgi_application()

# This server process starts its LibreOffice now, in the background, so the first PDF is as fast as the others
# (settings.DOCUMENTS_OFFICE_WARM_UP; core/documents/pdf.py).
from shidian.core.documents import pdf  # noqa: E402 - Django is set up by the line above

pdf.warm_up()
