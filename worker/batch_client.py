"""`resumesmith batch …`: submit a JSON Lines file of items to a resumesmith server, follow it,
and download its PDFs.

Every HTTP call is retried on connection errors, 5xx and 429 with backoff (honouring
`Retry-After`); a POST keeps the same `Idempotency-Key` across its retries, so a retry after a
lost response replays the first answer instead of submitting the batch twice.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import sys
import tempfile
import time
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from urllib.parse import urljoin

import requests

TERMINAL = frozenset({"succeeded", "partially_failed", "failed", "canceled"})
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
USER_AGENT = "resumesmith-cli/0.1"
JSONL = "application/x-ndjson"


class ClientError(Exception):
    """Something the user must fix or know about; `main` prints it and exits 2."""


class ApiError(ClientError):
    """The server refused: carries its problem details (RFC 9457)."""

    def __init__(self, response: requests.Response) -> None:
        try:
            body = response.json()
        except ValueError:
            body = {}
        self.status = response.status_code
        self.body = body if isinstance(body, dict) else {}
        detail = self.body.get("detail") or response.reason or "request failed"
        code = self.body.get("code", "http_error")
        errors = self.body.get("errors") or {}
        lines = [f"{self.status} {code}: {detail}"]
        lines += [f"  {name}: {'; '.join(messages)}" for name, messages in errors.items()]
        super().__init__("\n".join(lines))


@dataclass
class Client:
    """A resumesmith API with an API key; retries its own calls."""

    api: str
    key: str
    retries: int = 5
    backoff: float = 0.5
    max_delay: float = 30.0
    timeout: float = 60.0
    sleep: Callable[[float], None] = time.sleep
    session: requests.Session = field(default_factory=requests.Session)

    def url(self, path: str) -> str:
        """Links from the server are root-relative; resolve them against the API's address."""
        return urljoin(self.api.rstrip("/") + "/", path)

    def call(
        self,
        method: str,
        path: str,
        *,
        expect: tuple[int, ...] = (200,),
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> requests.Response:
        """One logical request, retried; raises `ApiError` unless the status is in `expect`."""
        sent = {"X-API-Key": self.key, "User-Agent": USER_AGENT, **(headers or {})}
        if method == "POST":
            sent.setdefault("Idempotency-Key", str(uuid.uuid4()))  # the same on every retry
        for attempt in range(self.retries + 1):
            last = attempt == self.retries
            try:
                response = self.session.request(
                    method, self.url(path), headers=sent, timeout=self.timeout, **kwargs
                )
            except (requests.ConnectionError, requests.Timeout) as error:
                if last:
                    raise ClientError(f"cannot reach {self.api}: {error}") from error
                self.sleep(self._delay(attempt, None))
                continue
            retryable = response.status_code in RETRY_STATUSES or _in_flight(response)
            if retryable and not last:
                response.close()
                self.sleep(self._delay(attempt, response.headers.get("Retry-After")))
                continue
            if response.status_code not in expect:
                raise ApiError(response)
            return response
        raise AssertionError("unreachable")  # the last attempt returns or raises

    def _delay(self, attempt: int, retry_after: str | None) -> float:
        """Exponential backoff with jitter, or what the server asked for (within reason)."""
        if retry_after is not None:
            try:
                return min(max(float(retry_after), 0.0), self.max_delay)
            except ValueError:
                pass
        return min(self.backoff * 2**attempt, self.max_delay) * (0.5 + random.random() / 2)


def _in_flight(response: requests.Response) -> bool:
    """A retry that overtook the first attempt: the server asks us to come back shortly."""
    if response.status_code != 409:
        return False
    try:
        return bool(response.json().get("code") == "idempotency_key_in_flight")
    except ValueError:
        return False


# --- submit ------------------------------------------------------------------------------------


@dataclass
class Uploads:
    """Resume and job files named in the items, each uploaded once however often it is named."""

    client: Client
    base: Path
    resumes: dict[Path, str] = field(default_factory=dict)
    jobs: dict[tuple[Path, str, str], str] = field(default_factory=dict)

    def resume(self, name: str) -> str:
        path = (self.base / name).resolve()
        if path not in self.resumes:
            with _open(path) as handle:
                data = handle.read()  # bytes, not the handle: a retry must send them again
            response = self.client.call(
                "POST", "/api/v1/resumes", expect=(201,), files={"file": (path.name, data)}
            )
            self.resumes[path] = str(response.json()["id"])
        return self.resumes[path]

    def job(self, name: str, title: str, company: str) -> str:
        path = (self.base / name).resolve()
        if (path, title, company) not in self.jobs:
            with _open(path) as handle:
                description = handle.read().decode("utf-8", errors="replace")
            body = {"description": description, "title": title, "company": company}
            response = self.client.call("POST", "/api/v1/jobs", expect=(201,), json=body)
            self.jobs[(path, title, company)] = str(response.json()["id"])
        return self.jobs[(path, title, company)]


def _open(path: Path) -> IO[bytes]:
    try:
        return path.open("rb")
    except OSError as error:
        raise ClientError(f"cannot read {path}: {error.strerror}") from error


def prepare_lines(text: str, uploads: Uploads) -> str:
    """The items file as the API takes it: `resume_file`/`job_file` become uploaded ids.

    Line numbers are kept (blank lines stay blank), so the server's `lines.N` errors point at
    the user's own file.
    """
    out = []
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            out.append("")
            continue
        try:
            item = json.loads(line)
        except ValueError:
            out.append(line)  # the server names the line and why
            continue
        if isinstance(item, dict):
            try:
                if "resume_file" in item:
                    item["resume_id"] = uploads.resume(str(item.pop("resume_file")))
                if "job_file" in item:
                    item["job_id"] = uploads.job(
                        str(item.pop("job_file")),
                        str(item.pop("job_title", "")),
                        str(item.pop("job_company", "")),
                    )
            except ApiError as error:
                raise ClientError(f"line {number}: uploading failed: {error}") from error
        out.append(json.dumps(item, ensure_ascii=False))
    return "\n".join(out) + "\n"


def submit(client: Client, items: Path) -> dict[str, Any]:
    """Upload any files the items name, then create the batch; returns the batch."""
    try:
        text = items.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ClientError(f"cannot read {items}: {error}") from error
    body = prepare_lines(text, Uploads(client, items.resolve().parent))
    response = client.call(
        "POST",
        "/api/v1/batches",
        expect=(202,),
        data=body.encode("utf-8"),
        headers={"Content-Type": JSONL},
    )
    batch: dict[str, Any] = response.json()
    return batch


# --- follow ------------------------------------------------------------------------------------


def progress_line(batch: dict[str, Any]) -> str:
    counts = batch.get("counts") or {}
    done = sum(counts.get(name, 0) for name in ("succeeded", "failed", "canceled"))
    line = f"{done}/{batch['total']} done"
    if counts.get("failed"):
        line += f", {counts['failed']} failed"
    if counts.get("canceled"):
        line += f", {counts['canceled']} canceled"
    return line


def status(client: Client, batch_id: str) -> dict[str, Any]:
    batch: dict[str, Any] = client.call("GET", f"/api/v1/batches/{batch_id}").json()
    return batch


def wait(
    client: Client,
    batch: dict[str, Any],
    *,
    out: IO[str],
    poll: float | None = None,
    timeout: float | None = None,
) -> dict[str, Any]:
    """Poll until the batch ends, drawing a progress line (redrawn in place on a terminal)."""
    tty = out.isatty()
    deadline = None if timeout is None else time.monotonic() + timeout
    location = batch["links"]["self"]
    etag: str | None = None
    shown = ""
    while True:
        line = progress_line(batch)
        if line != shown:
            out.write(f"\r{line}\033[K" if tty else line + "\n")
            out.flush()
            shown = line
        if batch["status"] in TERMINAL:
            if tty:
                out.write("\n")
            return batch
        if deadline is not None and time.monotonic() > deadline:
            raise ClientError(f"batch {batch['id']} did not finish within {timeout:g}s")
        response = client.call(
            "GET",
            location,
            expect=(200, 304),
            headers={"If-None-Match": etag} if etag else None,
        )
        if response.status_code == 200:
            batch = response.json()
            etag = response.headers.get("ETag")
        client.sleep(_interval(response.headers.get("Retry-After"), poll))


def _interval(retry_after: str | None, poll: float | None) -> float:
    if poll is not None:
        return poll
    try:
        return min(max(float(retry_after or 2), 0.2), 10.0)
    except ValueError:
        return 2.0


# --- download ----------------------------------------------------------------------------------


def download(client: Client, batch_id: str, out_dir: Path) -> list[Path]:
    """Every resume and cover-letter PDF of the batch, and `results.jsonl`, into `out_dir`."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryFile() as spool:
        for attempt in range(client.retries + 1):
            response = client.call(
                "GET", f"/api/v1/batches/{batch_id}/results?format=zip", stream=True
            )
            spool.seek(0)
            spool.truncate()
            try:
                with response:
                    for chunk in response.iter_content(chunk_size=1 << 16):
                        spool.write(chunk)
                break
            except (
                requests.ConnectionError,
                requests.Timeout,
                requests.exceptions.ChunkedEncodingError,
            ) as error:
                if attempt == client.retries:
                    raise ClientError(f"the download was cut off: {error}") from error
                client.sleep(client._delay(attempt, None))
        spool.seek(0)
        try:
            archive = zipfile.ZipFile(spool)
        except zipfile.BadZipFile as error:
            raise ClientError("the server sent a damaged zip file") from error
        written = []
        with archive:
            for info in archive.infolist():
                name = Path(info.filename).name  # flat names only: nothing escapes out_dir
                if info.is_dir() or name in {"", ".", ".."}:
                    continue
                target = out_dir / name
                with archive.open(info) as source, target.open("wb") as sink:
                    shutil.copyfileobj(source, sink)
                written.append(target)
    return written


# --- command line ------------------------------------------------------------------------------


def add_arguments(commands: Any) -> None:
    """The `batch` command group, under the main parser's subcommands."""
    batch = commands.add_parser("batch", help="submit, follow and download batches on a server")
    actions = batch.add_subparsers(dest="batch_command", required=True)

    def common(parser: Any) -> None:
        parser.add_argument(
            "--api",
            default=os.environ.get("RESUMESMITH_API_URL", "http://127.0.0.1:8000"),
            help="server address (default: $RESUMESMITH_API_URL or http://127.0.0.1:8000)",
        )
        parser.add_argument(
            "--api-key",
            default=os.environ.get("RESUMESMITH_API_KEY"),
            help="an API key from POST /api/v1/api-keys (default: $RESUMESMITH_API_KEY)",
        )

    submit_cmd = actions.add_parser(
        "submit",
        help="submit a JSON Lines file: {resume_id|resume_file, job_id|job_file, options}",
    )
    submit_cmd.add_argument("items", type=Path)
    submit_cmd.add_argument("--no-wait", action="store_true", help="print the batch id and exit")
    submit_cmd.add_argument("--poll", type=float, help="seconds between polls (default: server's)")
    submit_cmd.add_argument("--timeout", type=float, help="give up waiting after this many seconds")
    common(submit_cmd)

    status_cmd = actions.add_parser("status", help="print a batch's status and counts as JSON")
    status_cmd.add_argument("batch_id")
    common(status_cmd)

    download_cmd = actions.add_parser("download", help="download every PDF of a batch")
    download_cmd.add_argument("batch_id")
    download_cmd.add_argument("--out", type=Path, default=Path("out"))
    common(download_cmd)


def run(args: Any, *, stdout: IO[str] | None = None, stderr: IO[str] | None = None) -> int:
    """Carry out `resumesmith batch …`; 0 when everything succeeded, 1 when some items failed."""
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    if not args.api_key:
        raise ClientError("an API key is required: --api-key or $RESUMESMITH_API_KEY")
    client = Client(args.api, args.api_key)
    if args.batch_command == "submit":
        batch = submit(client, args.items)
        print(batch["id"], file=stdout, flush=True)
        if args.no_wait:
            return 0
        batch = wait(client, batch, out=stderr, poll=args.poll, timeout=args.timeout)
        print(f"{batch['status']}: {progress_line(batch)}", file=stdout)
        return 0 if batch["status"] == "succeeded" else 1
    if args.batch_command == "status":
        batch = status(client, args.batch_id)
        shown = {key: batch[key] for key in ("id", "status", "total", "counts", "progress")}
        failed = client.call(
            "GET", f"/api/v1/batches/{args.batch_id}/items?status=failed&page_size=1000"
        ).json()
        shown["failed_items"] = [
            {"index": item["index"], "error": item["error"]} for item in failed
        ]
        for key in ("created_at", "started_at", "finished_at", "links"):
            shown[key] = batch[key]
        print(json.dumps(shown, indent=2), file=stdout)
        return 0
    batch = status(client, args.batch_id)
    if batch["status"] not in TERMINAL:
        print(
            f"batch is still running: {progress_line(batch)}; downloading what is done", file=stderr
        )
    written = download(client, args.batch_id, args.out)
    pdfs = [path for path in written if path.suffix == ".pdf"]
    print(f"{len(pdfs)} PDFs and {len(written) - len(pdfs)} other files in {args.out}", file=stdout)
    return 0
