"""WSGI entry point (runserver, gunicorn, uWSGI).

After Django has loaded, everything alive is moved out of the garbage collector's
sight (gc.freeze) and the youngest generation is collected less often: the resource view
allocates tens of thousands of small objects per request, and without this the cyclic
collector's pauses were a third of its p95 time (docs/performance.md)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "perhekeskus.settings")
application = get_wsgi_application()

gc.collect()
gc.freeze()
gc.set_threshold(10_000, 20, 20)
