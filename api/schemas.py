"""Request and response shapes, shared by the views and the OpenAPI document."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from marshmallow import Schema, ValidationError, fields, pre_load, validate, validates_schema

from api.webhook_urls import WebhookUrl
from worker.pipeline.export import TEMPLATES
from worker.pipeline.providers import PROVIDERS
from worker.pipeline.types import STRENGTHS, TONES

MAX_TEXT = 50_000
MAX_DEPTH = 12
"""JSON Resume is at most four levels deep; anything far deeper is an attack, not a resume."""


def _storable(text: str) -> bool:
    """Postgres text cannot hold NUL, and lone surrogates cannot be encoded at all."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class Text(fields.String):
    """A string that can be stored and rendered: no NUL characters, no lone surrogates."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if not _storable(text):
            raise ValidationError(
                "Contains characters that are not valid text (NUL or surrogates)."
            )
        return text


def _check_document(value: Any, depth: int = 0) -> None:
    if depth > MAX_DEPTH:
        raise ValidationError(f"Nested more than {MAX_DEPTH} levels deep.")
    if isinstance(value, str):
        if not _storable(value):
            raise ValidationError(
                "Contains characters that are not valid text (NUL or surrogates)."
            )
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_document(key, depth + 1)
            _check_document(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _check_document(item, depth + 1)


class UTCDateTime(fields.DateTime):
    """ISO 8601 in UTC with a `Z`, whatever the database hands back."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return str(value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"))


class Stamped(Schema):
    id = fields.UUID(dump_only=True)
    created_at = UTCDateTime(dump_only=True)
    updated_at = UTCDateTime(dump_only=True)


class ResumeCreate(Schema):
    """JSON body; a file goes as `multipart/form-data` with a `file` part instead."""

    text = Text(validate=validate.Length(min=1, max=MAX_TEXT))
    json_resume = fields.Dict(keys=fields.String(), validate=_check_document)

    @validates_schema
    def _one_source(self, data: dict[str, Any], **kwargs: Any) -> None:
        given = [key for key in ("text", "json_resume") if data.get(key)]
        if len(given) != 1:
            raise ValidationError(
                "Give exactly one of `text` (plain-text resume) or `json_resume`.", "_schema"
            )
        if given == ["text"] and not data["text"].strip():
            raise ValidationError("The resume text is blank.", "text")


class ResumeOut(Stamped):
    source_format = fields.String(metadata={"description": "text, json_resume, pdf or docx"})
    source_filename = fields.String(allow_none=True)
    version = fields.Integer(attribute="current_version")
    profile = fields.Dict(metadata={"description": "JSON Resume 1.x"})
    parse_warnings = fields.List(fields.String())
    confidence = fields.Dict(keys=fields.String(), values=fields.Float())


class ResumeUpdate(Schema):
    profile = fields.Dict(keys=fields.String(), required=True, validate=_check_document)


class ResumeVersionOut(Stamped):
    version = fields.Integer()
    origin = fields.String(metadata={"description": "parsed (from the upload) or edited"})
    profile = fields.Dict()
    parse_warnings = fields.List(fields.String())
    confidence = fields.Dict(keys=fields.String(), values=fields.Float())


class UploadSchema(Schema):
    file = fields.Raw(metadata={"type": "string", "format": "binary"})


class JobCreate(Schema):
    title = Text(load_default="", validate=validate.Length(max=300))
    company = Text(load_default="", validate=validate.Length(max=300))
    # Length is checked when the posting is cleaned, with its own problem codes.
    description = Text(required=True)


class JobOut(Stamped):
    title = fields.String()
    company = fields.String()
    description = fields.String(metadata={"description": "the posting as analysed (cleaned)"})
    analysis = fields.Dict(allow_none=True)
    warnings = fields.List(fields.String())


class OptionsSchema(Schema):
    template = fields.String(load_default="classic", validate=validate.OneOf(TEMPLATES))
    length_pages = fields.Integer(load_default=1, strict=True, validate=validate.OneOf([1, 2]))
    cover_letter = fields.Boolean(load_default=True, truthy={True}, falsy={False})
    provider = fields.String(
        load_default=None,
        validate=validate.OneOf(PROVIDERS),
        metadata={"description": "default: the server's LLM_PROVIDER; see GET /api/v1/providers"},
    )
    paper = fields.String(load_default="a4", validate=validate.OneOf(["a4", "letter"]))
    on_violation = fields.String(
        load_default="repair",
        validate=validate.OneOf(["repair", "fail"]),
        metadata={"description": "an unsupported claim is repaired (default) or fails the run"},
    )
    strength = fields.String(load_default="balanced", validate=validate.OneOf(STRENGTHS))
    tone = fields.String(load_default="professional", validate=validate.OneOf(TONES))
    language = fields.String(
        load_default=None,
        validate=validate.Regexp(r"^[a-z]{2}$", error="Use a two-letter ISO 639-1 code."),
        metadata={"description": "default: the language of the job posting"},
    )
    redact_pii = fields.Boolean(
        load_default=None,
        truthy={True},
        falsy={False},
        metadata={"description": "default: on for cloud providers (openai, anthropic)"},
    )
    callback_url = WebhookUrl(
        metadata={"description": "POSTed a signed webhook when the run ends (Standard Webhooks)"}
    )


class OptimizationCreate(Schema):
    resume_id = fields.UUID(required=True)
    job_id = fields.UUID(required=True)
    options = fields.Nested(OptionsSchema, load_default=lambda: OptionsSchema().load({}))


class StageOut(Schema):
    name = fields.String()
    status = fields.String()
    started_at = UTCDateTime(allow_none=True)
    finished_at = UTCDateTime(allow_none=True)
    duration_ms = fields.Integer(allow_none=True)


class DocumentOut(Schema):
    id = fields.UUID()
    kind = fields.String()
    format = fields.String()
    media_type = fields.String()
    filename = fields.String()
    size = fields.Integer()
    sha256 = fields.String()
    url = fields.String()
    generator = fields.Dict(
        allow_none=True,
        metadata={"description": "who wrote it: provider, model, prompt_version, language, …"},
    )


class ResultOut(Schema):
    match_score = fields.Float(allow_none=True)
    ats_score = fields.Float(allow_none=True)
    matched_skills = fields.List(fields.String())
    missing_skills = fields.List(fields.String())
    quality_passed = fields.Boolean()
    gaps = fields.List(
        fields.String(),
        metadata={"description": "skills the job asks for that the resume does not show"},
    )
    violations = fields.List(
        fields.Dict(),
        metadata={"description": "unsupported claims found (kind, text, path, reason)"},
    )
    repairs = fields.List(
        fields.Dict(),
        metadata={"description": "how each was repaired (path, action, before, after)"},
    )
    completeness = fields.Dict(metadata={"description": "source entries missing, and why"})
    round_trip = fields.Dict(
        metadata={"description": "per format: fields recovered by parsing the file back"}
    )
    before_after = fields.Dict(
        metadata={"description": "match_score, ats_score, keyword_coverage: before and after"}
    )
    warnings = fields.List(fields.String())
    provenance = fields.Dict(
        metadata={"description": "tailored path → the source entries it came from"}
    )
    ats_checks = fields.List(
        fields.Dict(), metadata={"description": "named ATS checks: name, passed, detail, fix"}
    )
    documents = fields.List(fields.Nested(DocumentOut))
    generator = fields.Dict(
        metadata={
            "description": "who wrote the documents: provider, model, prompt_version, language, "
            "fallbacks tried first (with why they failed) and notes on refused edits"
        }
    )


class OptimizationSummaryOut(Stamped):
    """What a list shows of an optimization; the item itself adds stages, result, options."""

    status = fields.String()
    stage = fields.String(allow_none=True)
    progress = fields.Integer()
    resume_id = fields.UUID()
    resume_version = fields.Integer()
    job_id = fields.UUID()
    match_score = fields.Float(allow_none=True)
    ats_score = fields.Float(allow_none=True)
    error = fields.Dict(allow_none=True)
    cancel_requested_at = UTCDateTime(
        allow_none=True, metadata={"description": "when POST …/cancel asked it to stop"}
    )
    started_at = UTCDateTime(allow_none=True)
    finished_at = UTCDateTime(allow_none=True)
    links = fields.Dict(keys=fields.String(), values=fields.String())


class OptimizationOut(OptimizationSummaryOut):
    options = fields.Dict()
    stages = fields.List(fields.Nested(StageOut))
    result = fields.Nested(ResultOut, allow_none=True)


class HealthOut(Schema):
    status = fields.String()
    checks = fields.Dict(keys=fields.String(), values=fields.String())


class RegisterIn(Schema):
    email = fields.Email(required=True, validate=validate.Length(max=320))
    password = Text(required=True, load_only=True, validate=validate.Length(max=256))
    name = Text(load_default="", validate=validate.Length(max=200))

    @pre_load
    def _strip_email(self, data: Any, **kwargs: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("email"), str):
            return {**data, "email": data["email"].strip()}
        return data


class LoginIn(Schema):
    email = Text(required=True, validate=validate.Length(max=320))
    password = Text(required=True, load_only=True, validate=validate.Length(max=256))


class TokensOut(Schema):
    access_token = fields.String()
    refresh_token = fields.String()
    token_type = fields.String()
    expires_in = fields.Integer()


class QuotaOut(Schema):
    limit = fields.Integer(allow_none=True, metadata={"description": "null means unlimited"})
    used_today = fields.Integer()
    resets_in_seconds = fields.Integer()


class UserOut(Stamped):
    email = fields.String()
    name = fields.String()
    role = fields.String()
    quota = fields.Nested(QuotaOut)


class ApiKeyIn(Schema):
    name = Text(required=True, validate=validate.Length(min=1, max=100))


class ApiKeyOut(Stamped):
    name = fields.String()
    prefix = fields.String()
    last_used_at = UTCDateTime(allow_none=True)


class ApiKeyCreatedOut(ApiKeyOut):
    key = fields.String(metadata={"description": "The key itself; shown only in this response"})


class RoleIn(Schema):
    role = fields.String(required=True, validate=validate.OneOf(["user", "premium", "admin"]))


MAX_MATCH_JOBS = 200


class MatchCreate(Schema):
    resume_id = fields.UUID(required=True)
    job_ids = fields.List(
        fields.UUID(),
        required=True,
        validate=validate.Length(min=1, max=MAX_MATCH_JOBS, error="Give 1 to 200 job ids."),
    )
    callback_url = WebhookUrl(
        metadata={"description": "POSTed a signed webhook when the match ends (Standard Webhooks)"}
    )


class MatchItemOut(Schema):
    job_id = fields.UUID()
    status = fields.String()
    score = fields.Float(allow_none=True)
    rank = fields.Integer(allow_none=True)
    result = fields.Dict(allow_none=True, metadata={"description": "score breakdown, evidence"})
    error = fields.Dict(allow_none=True)


class MatchSummaryOut(Stamped):
    status = fields.String()
    resume_id = fields.UUID()
    resume_version = fields.Integer()
    total = fields.Integer()
    succeeded = fields.Integer()
    failed = fields.Integer()
    progress = fields.Integer()
    started_at = UTCDateTime(allow_none=True)
    finished_at = UTCDateTime(allow_none=True)
    links = fields.Dict(keys=fields.String(), values=fields.String())


class MatchOut(MatchSummaryOut):
    items = fields.List(fields.Nested(MatchItemOut))


class Instant(fields.DateTime):
    """An ISO 8601 date or date-time, in UTC when no offset is given.

    A date alone means the start of that day, or with `day_end` the start of the next one, so
    `until=2026-01-31` includes the 31st.
    """

    def __init__(self, *, day_end: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.day_end = day_end

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> datetime:
        if isinstance(value, str) and len(value) == 10:
            try:
                day = date.fromisoformat(value)
            except ValueError:
                raise self.make_error("invalid", input=value, obj_type="date") from None
            moment = datetime.combine(day, time(), tzinfo=UTC)
            return moment + timedelta(days=1) if self.day_end else moment
        moment = super()._deserialize(value, attr, data, **kwargs)
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


class UsageQuery(Schema):
    since = Instant(metadata={"description": "start, inclusive; default 30 days before `until`"})
    until = Instant(day_end=True, metadata={"description": "end, exclusive; default now"})

    @validates_schema
    def _ordered(self, data: dict[str, Any], **kwargs: Any) -> None:
        if "since" in data and "until" in data and data["since"] >= data["until"]:
            raise ValidationError("Must be before `until`.", "since")


class UsageMeasures(Schema):
    calls = fields.Integer(metadata={"description": "requests, retries and cache hits alike"})
    cache_hits = fields.Integer()
    failures = fields.Integer(metadata={"description": "calls whose outcome was not `ok`"})
    input_tokens = fields.Integer()
    output_tokens = fields.Integer()
    cost_usd = fields.Float(metadata={"description": "estimate from the configured price table"})


class UsageTotalsOut(UsageMeasures):
    latency_ms_median = fields.Integer(
        allow_none=True, metadata={"description": "over calls that reached a provider"}
    )


class UsageByModelOut(UsageMeasures):
    provider = fields.String()
    model = fields.String()


class UsageOut(Schema):
    since = UTCDateTime()
    until = UTCDateTime()
    totals = fields.Nested(UsageTotalsOut)
    by_provider = fields.List(fields.Nested(UsageByModelOut))


class ProviderOut(Schema):
    name = fields.String()
    available = fields.Boolean()
    default = fields.Boolean()
    model = fields.String()
    cloud = fields.Boolean(metadata={"description": "requests leave the machine"})
    circuit = fields.String(metadata={"description": "closed, open or half_open"})
    reason = fields.String(metadata={"description": "what to configure when unavailable"})


class ProvidersOut(Schema):
    default = fields.String()
    fallback = fields.List(fields.String())
    providers = fields.List(fields.Nested(ProviderOut))


class TemplateOut(Schema):
    name = fields.String()
    description = fields.String()
    thumbnail_url = fields.String(metadata={"description": "a PNG of the sample resume"})
