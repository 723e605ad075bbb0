"""Binds Celery to a Flask app so every task runs inside that app's context and config."""

from __future__ import annotations

from typing import Any

from celery import Celery, Task
from flask import Flask


def celery_init_app(app: Flask) -> Celery:
    """Create the Celery app for `app`; it is stored as `app.extensions["celery"]`."""

    class FlaskTask(Task):
        flask_app = app  # failure hooks run outside __call__ and need the app's context too

        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            with app.app_context():
                return self.run(*args, **kwargs)

    celery: Celery = Celery(app.name, task_cls=FlaskTask)
    celery.config_from_object("celeryconfig")
    celery.conf.update(broker_url=app.config["CELERY_BROKER_URL"])
    celery.set_default()
    app.extensions["celery"] = celery
    return celery
