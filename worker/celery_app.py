"""Entry point for `celery -A worker.celery_app worker` and `celery -A worker.celery_app flower`."""

from api import create_app

flask_app = create_app()
celery = flask_app.extensions["celery"]
