"""Anonymous score histograms per job family: counts only, no user, resume or job ids."""

from __future__ import annotations

from sqlalchemy import Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.db import Model, Timestamped


class ScoreAggregate(Timestamped, Model):
    __tablename__ = "score_aggregates"
    __table_args__ = (UniqueConstraint("family", "bucket"),)

    family: Mapped[str] = mapped_column(String(120))
    bucket: Mapped[int] = mapped_column(Integer)
    """The score rounded down to a whole number, 0–100."""
    count: Mapped[int] = mapped_column(Integer, default=0)


class ScoreSample(Timestamped, Model):
    """Which resumes a family's histogram already counts, as keyed hashes, so each counts once."""

    __tablename__ = "score_samples"
    __table_args__ = (UniqueConstraint("family", "subject"),)

    family: Mapped[str] = mapped_column(String(120))
    subject: Mapped[str] = mapped_column(String(64))
    """HMAC-SHA256 of the resume id under the server's secret: not reversible to the resume."""
