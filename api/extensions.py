"""Extension objects shared by every app instance, bound in `create_app`."""

from flask_migrate import Migrate

from models import db

migrate = Migrate()

__all__ = ["db", "migrate"]
