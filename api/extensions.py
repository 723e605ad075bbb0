"""Extension objects shared by every app instance, bound in `create_app`."""

from flask_cors import CORS
from flask_limiter import Limiter
from flask_migrate import Migrate

from api.security import jwt, rate_limit_key
from models import db

migrate = Migrate()
limiter = Limiter(key_func=rate_limit_key)
cors = CORS()

__all__ = ["cors", "db", "jwt", "limiter", "migrate"]
