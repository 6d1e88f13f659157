"""gunicorn wsgi:app"""

from nalw import create_app

app = create_app()
