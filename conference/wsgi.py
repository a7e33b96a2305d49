"""The WSGI entry point (gunicorn): Django's application behind the ready copies of cached
public pages (conference/site/ready.py), which answer a repeated anonymous request for one
without entering Django."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conference.settings")
django_application = get_wsgi_application()

from conference.site.ready import ReadyPages  # noqa: E402  (after the settings are set up)

application = ReadyPages(django_application)
