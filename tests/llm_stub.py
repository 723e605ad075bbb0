"""A stand-in for OpenAI's and Anthropic's HTTP APIs, speaking their wire formats.

The real SDKs talk to it over HTTP, so everything from request building to error mapping is the
production code path. A "model" here is a function from the request it received to the edits it
answers with; a script says what each successive request gets (an error, a truncated reply …).
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from typing import Any

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

Edits = dict[str, Any]
Model = Callable[[dict[str, Any]], Edits]


def tagged(text: str, tag: str) -> Any:
    """The JSON a prompt carries between <TAG> and </TAG>."""
    found = re.search(rf"<{tag}>\n(.*?)\n</{tag}>", text, re.S)
    assert found, f"no <{tag}> block in the prompt"
    return json.loads(found[1])


def prompt_of(body: dict[str, Any]) -> str:
    """The user prompt of an OpenAI or Anthropic request body."""
    return next(m["content"] for m in body["messages"] if m["role"] == "user")


def echo_model(body: dict[str, Any]) -> Edits:
    """Keeps every bullet, most recent job's last bullet first, and writes a grounded letter."""
    resume = tagged(prompt_of(body), "RESUME_DATA")
    job = tagged(prompt_of(body), "JOB_DATA")
    work = []
    for entry in resume["work"]:
        bullets = [{"id": b["id"], "text": b["text"]} for b in entry["bullets"]]
        work.append({"id": entry["id"], "bullets": bullets[::-1]})
    first = resume["work"][0] if resume["work"] else {"employer": "", "bullets": []}
    evidence = first["bullets"][0]["text"] if first["bullets"] else ""
    return {
        "work": work,
        "skills": list(reversed(resume["skills"])),
        "summary": None,
        "cover_letter": [
            f"Dear {job['company'] or 'Hiring'} team,",
            f"I would like to apply for the {job['title']} role.",
            f"At {first['employer']}: {evidence}",
            "Thank you for considering my application.",
        ],
    }


def openai_body(
    content: str,
    *,
    finish: str = "stop",
    model: str = "gpt-4o-mini-2024-07-18",
    tokens: tuple[int, int] = (900, 250),
) -> dict[str, Any]:
    return {
        "id": "chatcmpl-stub",
        "object": "chat.completion",
        "created": 1_700_000_000,
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content, "refusal": None},
                "finish_reason": finish,
                "logprobs": None,
            }
        ],
        "usage": {
            "prompt_tokens": tokens[0],
            "completion_tokens": tokens[1],
            "total_tokens": sum(tokens),
        },
    }


def anthropic_body(
    payload: Edits | str,
    *,
    stop: str = "tool_use",
    model: str = "claude-haiku-4-5-20251001",
    tokens: tuple[int, int] = (1100, 300),
) -> dict[str, Any]:
    block: dict[str, Any]
    if isinstance(payload, str):
        block = {"type": "text", "text": payload}
    else:
        block = {
            "type": "tool_use",
            "id": "toolu_stub",
            "name": "submit_tailoring",
            "input": payload,
        }
    return {
        "id": "msg_stub",
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": [block],
        "stop_reason": stop,
        "stop_sequence": None,
        "usage": {"input_tokens": tokens[0], "output_tokens": tokens[1]},
    }


def error(status: int, headers: dict[str, str] | None = None) -> Response:
    body = {"error": {"type": "server_error", "message": f"stub error {status}"}}
    return Response(json.dumps(body), status=status, headers=headers, mimetype="application/json")


Step = Callable[[dict[str, Any]], Response]


def ok_openai(model: Model = echo_model, **kwargs: Any) -> Step:
    return lambda body: Response(
        json.dumps(openai_body(json.dumps(model(body)), **kwargs)), mimetype="application/json"
    )


def ok_anthropic(model: Model = echo_model, **kwargs: Any) -> Step:
    return lambda body: Response(
        json.dumps(anthropic_body(model(body), **kwargs)), mimetype="application/json"
    )


def raw_openai(content: str, **kwargs: Any) -> Step:
    return lambda body: Response(
        json.dumps(openai_body(content, **kwargs)), mimetype="application/json"
    )


def fail(status: int, headers: dict[str, str] | None = None) -> Step:
    return lambda body: error(status, headers)


def hang(seconds: float) -> Step:
    def step(body: dict[str, Any]) -> Response:
        time.sleep(seconds)
        return error(500)

    return step


class Script:
    """Answers successive requests to one path with successive steps; the last one repeats."""

    def __init__(self, server: HTTPServer, path: str, *steps: Step) -> None:
        self.steps = list(steps)
        self.bodies: list[dict[str, Any]] = []
        self.raw: list[bytes] = []
        self.headers: list[dict[str, str]] = []
        self.lock = threading.Lock()
        server.expect_request(path, method="POST").respond_with_handler(self)

    def __call__(self, request: Request) -> Response:
        with self.lock:
            index = min(len(self.bodies), len(self.steps) - 1)
            self.raw.append(request.get_data())
            self.headers.append(dict(request.headers))
            body = json.loads(self.raw[-1])
            self.bodies.append(body)
        return self.steps[index](body)

    @property
    def count(self) -> int:
        return len(self.bodies)
