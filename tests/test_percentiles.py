"""Percentiles come from anonymous histograms and only once a family has enough scores."""

from __future__ import annotations

import uuid

from flask import Flask
from sqlalchemy import inspect

from models import ScoreAggregate, db
from worker import percentiles


def test_family_drops_the_level_and_decorations() -> None:
    assert percentiles.job_family("Senior Backend Engineer (Remote)") == "backend engineer"
    assert percentiles.job_family("Jr. Backend Engineer II") == "backend engineer"
    assert percentiles.job_family("!!!") == "unknown"


def test_no_percentile_until_twenty_scores_then_an_honest_one(app: Flask) -> None:
    with app.app_context():
        for n, score in enumerate(range(40, 59)):  # 19 resumes
            percentiles.record("backend engineer", score, subject=f"resume-{n}")
        # The same resume scored again, here or for another job of the family, counts once.
        for _ in range(5):
            percentiles.record("backend engineer", 99, subject="resume-0")
        db.session.commit()
        assert percentiles.percentile("backend engineer", 50) is None
        percentiles.record("backend engineer", 90, subject="resume-19")
        db.session.commit()
        assert percentiles.percentile("backend engineer", 95) == 100.0
        assert percentiles.percentile("backend engineer", 10) == 0.0
        middle = percentiles.percentile("backend engineer", 49.5)
        assert middle is not None and 40 < middle < 50
        assert percentiles.percentile("nurse", 50) is None  # other families are separate


def test_aggregates_hold_no_identities(app: Flask) -> None:
    with app.app_context():
        columns = {c["name"] for c in inspect(db.engine).get_columns(ScoreAggregate.__tablename__)}
    assert columns == {"id", "created_at", "updated_at", "family", "bucket", "count"}
    key = percentiles.subject_key(uuid.UUID(int=1), "secret")
    assert len(key) == 64 and str(uuid.UUID(int=1)) not in key
