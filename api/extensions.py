"""Extension objects shared by every app instance, bound in `create_app`."""

from flask import current_app
from flask_cors import CORS
from flask_limiter import Limiter
from flask_migrate import Migrate

from api.security import jwt, rate_limit_key
from models import db

migrate = Migrate()
# Limits are read from the current app's config on each request (not frozen at first init_app).
limiter = Limiter(
    key_func=rate_limit_key, default_limits=[lambda: current_app.config["RATELIMIT_DEFAULT"]]
)
cors = CORS()

__all__ = ["cors", "db", "jwt", "limiter", "migrate"]
