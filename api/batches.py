"""Batches: up to 1,000 optimizations in one request, run on the `bulk` queue.

Each item is an ordinary optimization (same pipeline, documents and polling) that also names its
batch. Interactive optimizations go to the `default` queue, so a big batch never delays them.
The batch row counts its items' end states as they finish (worker/batches.py).
"""

from __future__ import annotations

import io
import json
import logging
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from flask import Response, current_app, request, stream_with_context, url_for
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from marshmallow import ValidationError
from sqlalchemy import delete, func, insert, select
from werkzeug.exceptions import BadRequest

from api import quotas
from api.batch_schemas import (
    TOO_MANY,
    BatchCreate,
    BatchItemIn,
    BatchItemOut,
    BatchItemQuery,
    BatchOut,
    BatchQuery,
    BatchSummaryOut,
    ResultsQuery,
)
from api.documents import content_disposition
from api.errors import PROBLEM_MEDIA_TYPE, ProblemSchema, problem
from api.extensions import limiter
from api.idempotency import idempotent
from api.lookup import owned_or_404
from api.polling import poll_response
from api.providers import require_available
from api.queue import broker_unavailable, publish
from api.schemas import OptionsSchema
from api.security import authenticate, current_user, current_user_id
from models import (
    MAX_BATCH_ITEMS,
    STAGES,
    Batch,
    Document,
    Job,
    Optimization,
    OptimizationStage,
    Resume,
    db,
)
from worker.batches import cancel, fail_items, settle
from worker.cancel import OperationFinished
from worker.events import announce_optimization
from worker.pipeline.errors import ResumesmithError

log = logging.getLogger(__name__)
blp = Blueprint("batches", __name__, url_prefix="/api/v1/batches", description="Bulk tailoring")
blp.before_request(authenticate)
PROBLEM: dict[str, Any] = {"schema": ProblemSchema, "content_type": PROBLEM_MEDIA_TYPE}
TASK_NAME = "resumesmith.pipeline.optimize"
QUEUE = "bulk"
JSONL_TYPES = ("application/x-ndjson", "application/jsonl", "application/json-lines")
ITEMS_SHOWN = 100
"""Items listed in the batch resource itself; the rest are at `links.items`."""
CHUNK = 100
"""Items read per query while streaming results."""
ZIPPED_KINDS = ("resume", "cover_letter")
ITEM_STATUSES = ("queued", "running", "succeeded", "failed", "canceled")

ITEM_COLUMNS = (
    Optimization.id,
    Optimization.batch_index,
    Optimization.status,
    Optimization.resume_id,
    Optimization.job_id,
    Optimization.match_score,
    Optimization.ats_score,
    Optimization.error,
)


class BatchRunning(ResumesmithError):
    code = "batch_running"
    status = 409
    title = "Batch still running"


class UnsupportedBody(ResumesmithError):
    code = "unsupported_media_type"
    status = 415
    title = "Unsupported media type"


class InvalidJson(ResumesmithError):
    code = "invalid_json"
    status = 400
    title = "Malformed request"


# --- reading a submission ----------------------------------------------------------------------


@dataclass
class Submission:
    """Items as sent, with the name each one's fields have in error messages."""

    items: list[dict[str, Any]] = field(default_factory=list)
    where: list[dict[str, str]] = field(default_factory=list)
    options: dict[str, Any] = field(default_factory=dict)
    callback_url: str | None = None


def _flat(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """Marshmallow's nested messages as `{"items.3.options.template": [...]}`."""
    if isinstance(messages, dict):
        flat: dict[str, list[str]] = {}
        for key, value in messages.items():
            name = prefix if key == "_schema" else f"{prefix}.{key}".lstrip(".")
            flat.update(_flat(value, name))
        return flat
    values = messages if isinstance(messages, list) else [messages]
    return {prefix or "body": [str(value) for value in values]}


def _fields(prefix: str) -> dict[str, str]:
    return {name: prefix + name for name in ("resume_id", "job_id", "options")}


def _invalid(errors: dict[str, list[str]]) -> None:
    abort(422, messages={"json": errors})


def _read_submission() -> Submission:
    if request.mimetype in JSONL_TYPES:
        return _from_lines(request.get_data())
    if not request.is_json:
        raise UnsupportedBody(
            "Send a JSON object (application/json) or one item per line "
            "(application/x-ndjson or application/jsonl)."
        )
    try:
        body = request.get_json()
    except BadRequest as error:
        raise InvalidJson("The request body is not valid JSON.") from error
    try:
        data = BatchCreate().load(body if body is not None else {})
    except ValidationError as error:
        _invalid(_flat(error.messages))
        raise  # unreachable: abort raises
    submission = Submission(options=data["options"], callback_url=data["callback_url"])
    if "items" in data:
        for index, item in enumerate(data["items"]):
            submission.items.append(item)
            submission.where.append(_fields(f"items.{index}."))
        return submission
    seen: set[uuid.UUID] = set()
    for index, job_id in enumerate(data["job_ids"]):
        if job_id in seen:
            continue  # keep order, drop repeats (as matches do)
        seen.add(job_id)
        submission.items.append({"resume_id": data["resume_id"], "job_id": job_id, "options": {}})
        submission.where.append(
            {"resume_id": "resume_id", "job_id": f"job_ids.{index}", "options": "options"}
        )
    return submission


def _from_lines(raw: bytes) -> Submission:
    """JSON Lines: one `{resume_id, job_id, options}` object per line; blank lines are skipped."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        _invalid({"body": ["The body is not UTF-8 text."]})
    submission = Submission()
    errors: dict[str, list[str]] = {}
    schema = BatchItemIn()
    count = 0
    # Split on newlines only: U+2028 and friends may appear inside a JSON string.
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        count += 1
        if count > MAX_BATCH_ITEMS:
            _invalid({"lines": [TOO_MANY]})
        where = f"lines.{number}"
        try:
            value = json.loads(line)
        except ValueError as error:
            detail = getattr(error, "msg", "invalid JSON")
            errors[where] = [f"Not valid JSON: {detail}."]
            continue
        if not isinstance(value, dict):
            errors[where] = ["Each line must be a JSON object."]
            continue
        try:
            submission.items.append(schema.load(value))
        except ValidationError as error:
            errors.update(_flat(error.messages, where))
            continue
        submission.where.append(_fields(f"{where}."))
    if errors:
        _invalid(errors)
    if not submission.items:
        _invalid({"lines": ["No items: send one JSON object per line."]})
    return submission


def _item_options(submission: Submission) -> list[dict[str, Any]]:
    """Each item's options over the batch's, validated, with the provider each will use."""
    try:
        OptionsSchema(partial=True).load(submission.options)
    except ValidationError as error:
        _invalid(_flat(error.messages, "options"))
    errors: dict[str, list[str]] = {}
    loaded: list[dict[str, Any]] = []
    schema = OptionsSchema()
    # Items mostly share their options: load each distinct set once (a callback URL is
    # resolved in DNS when it is checked, which a thousand times over would be slow).
    seen: dict[str, dict[str, Any]] = {}
    for item, where in zip(submission.items, submission.where, strict=True):
        raw = {**submission.options, **item["options"]}
        fingerprint = json.dumps(raw, sort_keys=True, default=str)
        try:
            if fingerprint not in seen:
                seen[fingerprint] = schema.load(raw)
        except ValidationError as error:
            errors.update(_flat(error.messages, where["options"]))
            continue
        loaded.append(dict(seen[fingerprint]))
    if errors:
        _invalid(errors)
    providers: dict[str | None, str] = {}
    for options in loaded:
        wanted = options.get("provider")
        if wanted not in providers:
            providers[wanted] = require_available(wanted)
        options["provider"] = providers[wanted]
    return loaded


def _not_owned(submission: Submission) -> tuple[dict[uuid.UUID, int], Response | None]:
    """Current resume versions by id, or a 404 listing every item naming someone else's data."""
    user_id = current_user_id()
    resume_ids = {item["resume_id"] for item in submission.items}
    job_ids = {item["job_id"] for item in submission.items}
    versions: dict[uuid.UUID, int] = {
        row.id: row.current_version
        for row in db.session.execute(
            select(Resume.id, Resume.current_version).where(
                Resume.id.in_(resume_ids), Resume.user_id == user_id
            )
        )
    }
    jobs = set(
        db.session.scalars(select(Job.id).where(Job.id.in_(job_ids), Job.user_id == user_id))
    )
    errors: dict[str, list[str]] = {}
    for item, where in zip(submission.items, submission.where, strict=True):
        if item["resume_id"] not in versions:
            errors[where["resume_id"]] = [f"No resume with id {item['resume_id']}."]
        if item["job_id"] not in jobs:
            errors[where["job_id"]] = [f"No job with id {item['job_id']}."]
    if not errors:
        return versions, None
    kind = "resume" if resume_ids - set(versions) else "job"
    names = sorted(errors, key=_natural)
    shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
    return versions, problem(
        404,
        f"{kind}_not_found",
        f"These items name a resume or job that is not yours or does not exist: {shown}.",
        errors=errors,
    )


def _natural(name: str) -> list[Any]:
    return [int(part) if part.isdigit() else part for part in name.split(".")]


# --- presenting --------------------------------------------------------------------------------


def _counts(batch_ids: list[uuid.UUID]) -> dict[uuid.UUID, dict[str, int]]:
    """Items per status for each batch, read from the items themselves."""
    counts = {batch_id: dict.fromkeys(ITEM_STATUSES, 0) for batch_id in batch_ids}
    if batch_ids:
        rows = db.session.execute(
            select(Optimization.batch_id, Optimization.status, func.count())
            .where(Optimization.batch_id.in_(batch_ids))
            .group_by(Optimization.batch_id, Optimization.status)
        )
        for batch_id, status, count in rows:
            counts[batch_id][status] = count  # type: ignore[index]  # in_() excludes NULL
    return counts


def _links(batch_id: uuid.UUID) -> dict[str, str]:
    results = url_for("batches.batch_results", batch_id=batch_id)
    return {
        "self": url_for("batches.BatchView", batch_id=batch_id),
        "cancel": url_for("batches.BatchCancel", batch_id=batch_id),
        "items": url_for("batches.batch_items", batch_id=batch_id),
        "results": results,
        "zip": results + "?format=zip",
    }


def summary(batch: Batch, counts: dict[str, int]) -> dict[str, Any]:
    """A batch as the history lists it."""
    done = counts["succeeded"] + counts["failed"] + counts["canceled"]
    progress = 100 if batch.is_terminal or not batch.total else 100 * done // batch.total
    return {
        "id": batch.id,
        "status": batch.status,
        "total": batch.total,
        "counts": counts,
        "progress": progress,
        "options": batch.options,
        "callback_url": batch.callback_url,
        "cancel_requested_at": batch.cancel_requested_at,
        "created_at": batch.created_at,
        "updated_at": batch.updated_at,
        "started_at": batch.started_at,
        "finished_at": batch.finished_at,
        "links": _links(batch.id),
    }


def _item(row: Any) -> dict[str, Any]:
    return {
        "index": row.batch_index,
        "id": row.id,
        "status": row.status,
        "resume_id": row.resume_id,
        "job_id": row.job_id,
        "match_score": row.match_score,
        "ats_score": row.ats_score,
        "error": row.error,
        "links": {
            "self": url_for("optimizations.OptimizationItem", optimization_id=row.id),
        },
    }


def present(batch: Batch) -> dict[str, Any]:
    """The batch with its counts, progress and first items."""
    rows = db.session.execute(
        select(*ITEM_COLUMNS)
        .where(Optimization.batch_id == batch.id)
        .order_by(Optimization.batch_index)
        .limit(ITEMS_SHOWN)
    )
    body = summary(batch, _counts([batch.id])[batch.id])
    body["items"] = [_item(row) for row in rows]
    return body


# --- views -------------------------------------------------------------------------------------

REQUEST_BODY = {
    "required": True,
    "content": {
        "application/json": {"schema": BatchCreate},
        "application/x-ndjson": {
            "schema": {
                "type": "string",
                "description": "one `{resume_id, job_id, options}` JSON object per line",
            }
        },
    },
}


@blp.route("")
class Batches(MethodView):
    # One request can queue a thousand optimizations: a tighter limit than reading.
    decorators = [limiter.limit(lambda: current_app.config["RATELIMIT_BATCHES"], methods=["POST"])]

    @idempotent
    @blp.doc(requestBody=REQUEST_BODY)
    @blp.response(202, BatchOut)
    @blp.alt_response(404, **PROBLEM, description="Items naming a resume or job that is not yours")
    @blp.alt_response(415, **PROBLEM, description="Neither JSON nor JSON Lines")
    @blp.alt_response(422, **PROBLEM, description="Invalid items (listed), or over 1,000 of them")
    @blp.alt_response(429, **PROBLEM, description="`quota_exceeded`: the items do not fit today")
    @blp.alt_response(503, **PROBLEM, description="`broker_unavailable`: nothing was started")
    def post(self) -> Response | tuple[dict[str, Any], int, dict[str, str]]:
        """Tailor up to 1,000 resume–job pairs: `items`, one resume × many `job_ids`, or a JSON
        Lines body. Every item is checked first; poll the `Location` for progress."""
        submission = _read_submission()
        options = _item_options(submission)
        versions, refused = _not_owned(submission)
        if refused is not None:
            return refused
        user_id = current_user_id()
        total = len(submission.items)
        quotas.consume(current_user(), amount=total)
        batch = Batch(
            id=uuid.uuid4(),
            user_id=user_id,
            status="queued",
            total=total,
            options=submission.options,
            callback_url=submission.callback_url,
        )
        db.session.add(batch)
        db.session.flush()
        # A thousand items with five stage rows each: bulk INSERTs, not one ORM object apiece.
        item_ids = [uuid.uuid4() for _ in submission.items]
        db.session.execute(
            insert(Optimization),
            [
                {
                    "id": item_id,
                    "user_id": user_id,
                    "resume_id": item["resume_id"],
                    "resume_version": versions[item["resume_id"]],
                    "job_id": item["job_id"],
                    "options": item_options,
                    "batch_id": batch.id,
                    "batch_index": index,
                }
                for index, (item_id, item, item_options) in enumerate(
                    zip(item_ids, submission.items, options, strict=True)
                )
            ],
        )
        db.session.execute(
            insert(OptimizationStage),
            [
                {"user_id": user_id, "optimization_id": item_id, "name": name, "position": position}
                for item_id in item_ids
                for position, name in enumerate(STAGES)
            ],
        )
        # Commit before publishing: a fast worker must find the rows it is told to run.
        db.session.commit()
        published = 0
        for item_id in item_ids:
            if not publish(TASK_NAME, item_id, queue=QUEUE):
                break  # the broker is down: don't wait out its timeout a thousand times
            published += 1
        if published == 0:
            db.session.execute(delete(Batch).where(Batch.id == batch.id))
            quotas.refund(user_id, amount=total)
            db.session.commit()
            return broker_unavailable()
        if published < total:
            # Never leave queued items that no worker will run: fail and count them now.
            refused_ids = item_ids[published:]
            fail_items(
                batch.id,
                refused_ids,
                "broker_unavailable",
                "The task queue was unavailable, so this item was not started.",
            )
            quotas.refund(user_id, amount=len(refused_ids))
            db.session.commit()
            log.error("batch %s: %d of %d items not queued", batch.id, total - published, total)
        body = present(batch)
        return body, 202, {"Location": body["links"]["self"]}

    @blp.arguments(BatchQuery, location="query")
    @blp.response(200, BatchSummaryOut(many=True))
    @blp.paginate()
    def get(self, args: dict[str, Any], pagination_parameters: Any) -> list[dict[str, Any]]:
        """Your batches, newest first; filter by `status`, `created_after`, `created_before`
        (`page`, `page_size`; totals in `X-Pagination`)."""
        query = select(Batch).where(Batch.user_id == current_user_id())
        if "status" in args:
            query = query.where(Batch.status == args["status"])
        if "created_after" in args:
            query = query.where(Batch.created_at > args["created_after"])
        if "created_before" in args:
            query = query.where(Batch.created_at < args["created_before"])
        pagination_parameters.item_count = db.session.scalar(
            select(func.count()).select_from(query.subquery())
        )
        if pagination_parameters.first_item >= pagination_parameters.item_count:
            return []
        batches = list(
            db.session.scalars(
                query.order_by(Batch.created_at.desc(), Batch.id)
                .offset(pagination_parameters.first_item)
                .limit(pagination_parameters.page_size)
            )
        )
        counts = _counts([batch.id for batch in batches])
        return [summary(batch, counts[batch.id]) for batch in batches]


@blp.route("/<uuid:batch_id>")
class BatchView(MethodView):
    @blp.response(200, BatchOut)
    def get(self, batch_id: uuid.UUID) -> Response | tuple[dict[str, Any], int, dict[str, str]]:
        """Poll a batch: counts by status, progress and the first items; `Retry-After` while
        it runs, `ETag` for `If-None-Match`."""
        batch = owned_or_404(Batch, batch_id)
        settle(batch)
        return poll_response(BatchOut(), present(batch), terminal=batch.is_terminal)

    @blp.response(204)
    @blp.alt_response(409, **PROBLEM, description="`batch_running`: wait until it ends")
    def delete(self, batch_id: uuid.UUID) -> None:
        """Delete a finished batch with every optimization and document it made."""
        batch = owned_or_404(Batch, batch_id)
        if not batch.is_terminal:
            raise BatchRunning("The batch is still running; delete it once it has ended.")
        db.session.execute(delete(Batch).where(Batch.id == batch.id))
        db.session.commit()


@blp.route("/<uuid:batch_id>/cancel")
class BatchCancel(MethodView):
    @blp.response(200, BatchOut, description="Canceled, now or before")
    @blp.alt_response(202, schema=BatchOut, description="Running items stop at their next stage")
    @blp.alt_response(404, **PROBLEM, description="Not your batch, or it is gone")
    @blp.alt_response(409, **PROBLEM, description="`operation_finished`: it already ended")
    def post(
        self, batch_id: uuid.UUID
    ) -> tuple[dict[str, Any], int] | tuple[dict[str, Any], int, dict[str, str]]:
        """Cancel a batch: items not started are canceled at once, running ones at their next
        stage boundary (`202` until they have). Finished items keep their documents."""
        batch = owned_or_404(Batch, batch_id)
        if batch.is_terminal and batch.status != "canceled":
            raise OperationFinished(f"The batch already ended ({batch.status}).")
        for optimization in db.session.scalars(
            select(Optimization).where(Optimization.id.in_(cancel(batch.id)))
        ):
            announce_optimization(optimization, "canceled")
        db.session.refresh(batch)
        body = present(batch)
        if batch.is_terminal:
            return body, 200
        return body, 202, {"Location": body["links"]["self"]}


@blp.route("/<uuid:batch_id>/items")
@blp.arguments(BatchItemQuery, location="query")
@blp.response(200, BatchItemOut(many=True))
@blp.paginate(page_size=100, max_page_size=MAX_BATCH_ITEMS)
def batch_items(
    args: dict[str, Any], batch_id: uuid.UUID, pagination_parameters: Any
) -> list[dict[str, Any]]:
    """Every item of a batch in submission order, optionally by `status`."""
    batch = owned_or_404(Batch, batch_id)
    query = select(*ITEM_COLUMNS).where(Optimization.batch_id == batch.id)
    if "status" in args:
        query = query.where(Optimization.status == args["status"])
    pagination_parameters.item_count = db.session.scalar(
        select(func.count()).select_from(query.subquery())
    )
    if pagination_parameters.first_item >= pagination_parameters.item_count:
        return []
    rows = db.session.execute(
        query.order_by(Optimization.batch_index)
        .offset(pagination_parameters.first_item)
        .limit(pagination_parameters.page_size)
    )
    return [_item(row) for row in rows]


@blp.route("/<uuid:batch_id>/results")
@blp.arguments(ResultsQuery, location="query", as_kwargs=True)
@blp.doc(
    responses={
        "200": {
            "description": "JSON Lines, one object per item; or a zip of every item's PDFs",
            "content": {
                "application/x-ndjson": {"schema": {"type": "string"}},
                "application/zip": {"schema": {"type": "string", "format": "binary"}},
            },
        },
        "404": {"description": "No such batch"},
    }
)
def batch_results(batch_id: uuid.UUID, format: str = "jsonl") -> Response:
    """Stream every item's outcome as JSON Lines (index, id, status, scores, document links,
    error); `?format=zip` streams every resume and cover-letter PDF with a `results.jsonl`."""
    batch = owned_or_404(Batch, batch_id)
    if format == "zip":
        response = Response(stream_with_context(_zip_chunks(batch.id)), mimetype="application/zip")
        response.headers["Content-Disposition"] = content_disposition(f"batch-{batch.id}.zip")
    else:
        lines = (json.dumps(line, default=str) + "\n" for line, _ in _results(batch.id))
        response = Response(stream_with_context(lines), mimetype="application/x-ndjson")
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _results(batch_id: uuid.UUID) -> Iterator[tuple[dict[str, Any], list[Any]]]:
    """Each item's result line and its documents (without their bytes), CHUNK items a query."""
    last = -1
    while True:
        rows = list(
            db.session.execute(
                select(*ITEM_COLUMNS)
                .where(Optimization.batch_id == batch_id, Optimization.batch_index > last)
                .order_by(Optimization.batch_index)
                .limit(CHUNK)
            )
        )
        if not rows:
            return
        documents: dict[uuid.UUID, list[Any]] = {row.id: [] for row in rows}
        for doc in db.session.execute(
            select(
                Document.id,
                Document.optimization_id,
                Document.kind,
                Document.format,
                Document.filename,
            )
            .where(Document.optimization_id.in_(list(documents)))
            .order_by(Document.kind, Document.format)
        ):
            documents[doc.optimization_id].append(doc)
        for row in rows:
            line = _item(row)
            line["documents"] = [
                {
                    "kind": doc.kind,
                    "format": doc.format,
                    "url": url_for("documents.document_content", document_id=doc.id),
                }
                for doc in documents[row.id]
            ]
            yield line, documents[row.id]
        last = rows[-1].batch_index


class _Sink(io.RawIOBase):
    """A write-only stream that hands over what zipfile wrote so far (no seeking: data
    descriptors follow each file, so the archive is streamed, never held whole in memory)."""

    def __init__(self) -> None:
        super().__init__()
        self._chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self._chunks.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data = b"".join(self._chunks)
        self._chunks.clear()
        return data


def _zip_chunks(batch_id: uuid.UUID) -> Iterator[bytes]:
    """The batch's PDFs as `<index>-<filename>` (index as in `items`), then `results.jsonl`."""
    sink = _Sink()
    manifest: list[str] = []
    with zipfile.ZipFile(sink, mode="w") as archive:
        for line, documents in _results(batch_id):
            wanted = [d.id for d in documents if d.format == "pdf" and d.kind in ZIPPED_KINDS]
            files: list[str] = []
            for doc in (
                ()
                if not wanted
                else db.session.execute(
                    select(Document.kind, Document.filename, Document.content)
                    .where(Document.id.in_(wanted))
                    .order_by(Document.kind.desc())  # the resume before the letter
                )
            ):
                name = f"{line['index']:04d}-{doc.filename}"
                if name in files:
                    name = f"{line['index']:04d}-{doc.kind}-{doc.filename}"
                # PDFs are compressed inside already; storing them saves the CPU for nothing lost.
                archive.writestr(name, doc.content, compress_type=zipfile.ZIP_STORED)
                files.append(name)
                yield sink.take()
            manifest.append(json.dumps({**line, "files": files}, default=str))
        archive.writestr(
            "results.jsonl",
            "\n".join(manifest) + "\n",
            compress_type=zipfile.ZIP_DEFLATED,
        )
    yield sink.take()
