"""Celery tasks: a few lines around a domain call each; ids in, nothing big on the wire."""

from __future__ import annotations

import uuid

from celery import shared_task
from sqlalchemy.exc import OperationalError

from worker.runner import execute_optimization


@shared_task(
    name="resumesmith.pipeline.optimize",
    acks_late=True,
    # Only a lost database connection is worth retrying; pipeline errors are deterministic.
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
)
def optimize(optimization_id: str) -> str:
    """Run the five stages of one optimization; its row, not Celery, holds the outcome."""
    return execute_optimization(uuid.UUID(optimization_id))
