"""SQLAlchemy models, one module per aggregate; import from here."""

from models.aggregate import ScoreAggregate, ScoreSample
from models.ai_call import AICallRecord, record_calls, usage_summary
from models.api_key import ApiKey
from models.batch import BATCH_TERMINAL, MAX_BATCH_ITEMS, Batch
from models.db import db
from models.document import Document
from models.idempotency import IdempotencyKey
from models.job import Job
from models.match import MATCH_TERMINAL, Match, MatchItem
from models.optimization import STAGES, TERMINAL, Optimization, OptimizationStage
from models.resume import Resume, ResumeVersion
from models.usage import DailyUsage
from models.user import LOCAL_USER_ID, ROLES, User, ensure_local_user
from models.webhook import CallbackSecret, Webhook, WebhookAttempt, WebhookDelivery

__all__ = [
    "BATCH_TERMINAL",
    "LOCAL_USER_ID",
    "MATCH_TERMINAL",
    "MAX_BATCH_ITEMS",
    "ROLES",
    "STAGES",
    "TERMINAL",
    "AICallRecord",
    "ApiKey",
    "Batch",
    "CallbackSecret",
    "DailyUsage",
    "Document",
    "IdempotencyKey",
    "Job",
    "Match",
    "MatchItem",
    "Optimization",
    "OptimizationStage",
    "Resume",
    "ResumeVersion",
    "ScoreAggregate",
    "ScoreSample",
    "User",
    "Webhook",
    "WebhookAttempt",
    "WebhookDelivery",
    "db",
    "ensure_local_user",
    "record_calls",
    "usage_summary",
]
