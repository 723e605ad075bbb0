"""Who is calling; re-exported for the resource blueprints."""

from api.security import current_user, current_user_id

__all__ = ["current_user", "current_user_id"]
