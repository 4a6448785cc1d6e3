import io
import os

from django.core.management import call_command
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "waypost.settings")
application = get_wsgi_application()
# A server starts only on a sound configuration, as manage.py commands do: a malformed
# setting or a missing file raises here with the check's message instead of serving.
call_command("check", fail_level="ERROR", stdout=io.StringIO())
