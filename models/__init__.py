"""SQLAlchemy models, one module per aggregate; import from here."""

from models.db import db
from models.document import Document
from models.job import Job
from models.optimization import STAGES, TERMINAL, Optimization, OptimizationStage
from models.resume import Resume
from models.user import LOCAL_USER_ID, User, ensure_local_user

__all__ = [
    "LOCAL_USER_ID",
    "STAGES",
    "TERMINAL",
    "Document",
    "Job",
    "Optimization",
    "OptimizationStage",
    "Resume",
    "User",
    "db",
    "ensure_local_user",
]
