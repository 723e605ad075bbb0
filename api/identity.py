"""Who is calling. Until accounts land, every request acts for the single local user."""

from __future__ import annotations

import uuid

from models import ensure_local_user


def current_user_id() -> uuid.UUID:
    """The owner to filter every query by; the auth issue swaps this for the JWT's subject."""
    return ensure_local_user().id
