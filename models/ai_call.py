"""Accounting of language-model calls: one row per request (or cache hit), summed per user."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy import Boolean, ForeignKey, Index, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from models.db import Model, Timestamped, db

if TYPE_CHECKING:
    from worker.pipeline.types import AICall

# Costs are fractions of a cent (the pipeline rounds to 6 places): exact decimals, so a month of
# sums equals the sum of the rows, which binary floats do not promise.
COST = Numeric(12, 6)


class AICallRecord(Timestamped, Model):
    """One `worker.pipeline.types.AICall` as stored; retries and fallbacks are rows of their own."""

    __tablename__ = "ai_calls"
    # Usage is always asked for one user over a time window; this index also serves the FK.
    __table_args__ = (Index("ix_ai_calls_user_id_created_at", "user_id", "created_at"),)

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # Deleting an optimization keeps what it cost: the bill does not shrink with the history.
    optimization_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("optimizations.id", ondelete="SET NULL"), index=True
    )
    provider: Mapped[str] = mapped_column(String(40))
    model: Mapped[str] = mapped_column(String(120))
    prompt_version: Mapped[str] = mapped_column(String(40))
    input_tokens: Mapped[int] = mapped_column(Integer, default=0)
    output_tokens: Mapped[int] = mapped_column(Integer, default=0)
    cost_usd: Mapped[Decimal] = mapped_column(COST, default=Decimal(0))
    latency_ms: Mapped[int] = mapped_column(Integer, default=0)
    cache_hit: Mapped[bool] = mapped_column(Boolean, default=False)
    outcome: Mapped[str] = mapped_column(String(40), default="ok")
    attempt: Mapped[int] = mapped_column(Integer, default=1)


def record_calls(
    user_id: uuid.UUID, optimization_id: uuid.UUID | None, calls: Sequence[AICall]
) -> None:
    """Add one row per call to the session; the caller commits with the rest of its work."""
    db.session.add_all(
        AICallRecord(
            user_id=user_id,
            optimization_id=optimization_id,
            provider=call.provider,
            model=call.model,
            prompt_version=call.prompt_version,
            input_tokens=call.input_tokens,
            output_tokens=call.output_tokens,
            # Through str: Decimal(0.1) would keep the float's binary noise.
            cost_usd=Decimal(str(round(call.cost_usd, 6))),
            latency_ms=call.latency_ms,
            cache_hit=call.cache_hit,
            outcome=call.outcome,
            attempt=call.attempt,
        )
        for call in calls
    )


def usage_summary(
    user_id: uuid.UUID, since: datetime | None = None, until: datetime | None = None
) -> dict[str, Any]:
    """Calls, tokens and cost in `[since, until)`, per provider and model and in total."""
    row = AICallRecord
    failed = row.outcome != "ok"
    measures = (
        sa.func.count().label("calls"),
        sa.func.count().filter(row.cache_hit.is_(True)).label("cache_hits"),
        sa.func.count().filter(failed).label("failures"),
        sa.func.coalesce(sa.func.sum(row.input_tokens), 0).label("input_tokens"),
        sa.func.coalesce(sa.func.sum(row.output_tokens), 0).label("output_tokens"),
        sa.func.coalesce(sa.func.sum(row.cost_usd), 0).label("cost_usd"),
    )
    where = [row.user_id == user_id]
    if since is not None:
        where.append(row.created_at >= since)
    if until is not None:
        where.append(row.created_at < until)

    groups = db.session.execute(
        sa.select(row.provider, row.model, *measures)
        .where(*where)
        .group_by(row.provider, row.model)
        .order_by(row.provider, row.model)
    ).all()
    total_columns: list[Any] = list(measures)
    if db.session.get_bind().dialect.name == "postgresql":
        # Only calls that reached a provider: cache hits would drag the median towards zero.
        total_columns.append(
            sa.func.percentile_cont(0.5)
            .within_group(row.latency_ms)
            .filter(row.cache_hit.is_(False))
            .label("latency_ms_median")
        )
    totals = db.session.execute(sa.select(*total_columns).where(*where)).one()._asdict()
    median = totals.pop("latency_ms_median", None)
    return {
        "totals": {
            **_measures(totals),
            "latency_ms_median": None if median is None else round(float(median)),
        },
        "by_provider": [
            {"provider": group.provider, "model": group.model, **_measures(group._asdict())}
            for group in groups
        ],
    }


def _measures(values: dict[str, Any]) -> dict[str, Any]:
    return {
        "calls": int(values["calls"]),
        "cache_hits": int(values["cache_hits"]),
        "failures": int(values["failures"]),
        "input_tokens": int(values["input_tokens"]),
        "output_tokens": int(values["output_tokens"]),
        "cost_usd": Decimal(str(values["cost_usd"])),
    }
