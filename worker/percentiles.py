""" "How do I compare?": a score's percentile among everyone scored for the same job family.

Only anonymous counts per (family, whole-number score) are kept, and no figure is given until a
family has at least `MIN_SAMPLE` scores, so nobody's individual result can be read back.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import uuid

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from models import ScoreAggregate, ScoreSample, db
from models.db import utcnow

MIN_SAMPLE = 20
_LEVELS = frozenset(
    {
        "senior", "sr", "junior", "jr", "lead", "principal", "staff", "head", "chief",
        "intern", "trainee", "graduate", "entry", "level", "mid", "i", "ii", "iii", "iv",
        "associate",
    }
)  # fmt: skip


def job_family(title: str) -> str:
    """ "Senior Backend Engineer (Remote)" → "backend engineer": the title without its level."""
    words = re.findall(r"[a-z0-9+#]+", re.sub(r"\(.*?\)", " ", title.lower()))
    return " ".join(word for word in words if word not in _LEVELS)[:120] or "unknown"


def subject_key(resume_id: uuid.UUID, secret: str) -> str:
    """A keyed hash of the resume id: lets a resume count once without storing who it is."""
    return hmac.new(secret.encode(), str(resume_id).encode(), hashlib.sha256).hexdigest()


def record(family: str, score: float, *, subject: str) -> None:
    """Count a resume's first score in its family's histogram (in the caller's transaction).

    Re-scoring the same resume, or scoring it against many jobs of one family, adds nothing:
    the threshold and the percentile are about distinct resumes.
    """
    insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    now = utcnow()
    first = db.session.execute(
        insert(ScoreSample)
        .values(id=uuid.uuid4(), family=family, subject=subject, created_at=now, updated_at=now)
        .on_conflict_do_nothing(index_elements=["family", "subject"])
        .returning(ScoreSample.id)
    ).first()
    if first is None:
        return
    bucket = max(0, min(100, int(score)))
    db.session.execute(
        insert(ScoreAggregate)
        .values(
            id=uuid.uuid4(), family=family, bucket=bucket, count=1, created_at=now, updated_at=now
        )
        .on_conflict_do_update(
            index_elements=["family", "bucket"],
            set_={"count": ScoreAggregate.count + 1, "updated_at": now},
        )
    )


def percentile(family: str, score: float) -> float | None:
    """Share of the family's scores below `score` (ties count half), or None below the minimum."""
    rows = db.session.execute(
        select(ScoreAggregate.bucket, func.sum(ScoreAggregate.count))
        .where(ScoreAggregate.family == family)
        .group_by(ScoreAggregate.bucket)
    ).all()
    total = sum(int(count) for _, count in rows)
    if total < MIN_SAMPLE:
        return None
    bucket = int(score)
    below = sum(int(count) for b, count in rows if b < bucket)
    equal = sum(int(count) for b, count in rows if b == bucket)
    return round(100 * (below + equal / 2) / total, 1)
