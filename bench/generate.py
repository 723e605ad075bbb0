"""Stage 3 speed: the offline engine, and our own overhead around a language-model call.

1. Offline engine: time per optimization excluding PDF (analysis, scoring, generation,
   validation), and generation alone, on the sample resume and the longest corpus resume.
2. Provider overhead: the real OpenAI and Anthropic SDKs against a zero-latency local stub.
   Baseline = one bare SDK call with the same prompt; ours = `generation.generate` with that
   provider (prompt building, redaction, the call, schema validation, applying and checking the
   edits, accounting), with an empty cache each run. Overhead = ours − baseline (medians).

Run: `.venv/bin/python bench/generate.py [--runs N]`.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anthropic
import openai
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from timing import timings  # noqa: E402

from tests.llm_stub import anthropic_body, echo_model, openai_body  # noqa: E402
from worker.pipeline import analysis, export, generation, scoring, validation  # noqa: E402
from worker.pipeline.llm import MemoryStore  # noqa: E402
from worker.pipeline.providers import llm_settings_from_env  # noqa: E402
from worker.pipeline.skills import default_vocabulary  # noqa: E402
from worker.pipeline.types import JobPosting, Options  # noqa: E402

SAMPLES = ROOT / "samples"


def p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20)[-1] if len(times) >= 20 else max(times)


def longest_corpus_profile() -> dict[str, Any]:
    from tests.corpus.matching.evaluate import load_matching_corpus

    resumes = load_matching_corpus().resumes.values()
    return max(resumes, key=lambda r: len(json.dumps(r)))


def offline(runs: int, posting: JobPosting) -> None:
    vocab = default_vocabulary()
    baseline = statistics.median(timings(lambda: export.html_to_pdf("<p>baseline</p>"), runs))
    print(f"\n## Offline engine ({runs} runs; baseline one-line PDF median {baseline:.2f} ms)")
    print(f"{'resume':24} {'what':34} {'median ms':>10} {'p95 ms':>8} {'x baseline':>11}")
    cases = {"sample (2 pages)": json.loads((SAMPLES / "resume.json").read_text())}
    cases["longest corpus resume"] = longest_corpus_profile()
    for label, profile in cases.items():

        def before_pdf(profile: dict[str, Any] = profile) -> None:
            job = analysis.analyse_job(posting, vocabulary=vocab)
            match = scoring.score_profile(profile, job, vocabulary=vocab)
            tailored = generation.generate(
                profile, job, match, options=Options(), posting_text=posting.description
            )
            validation.validate(profile, tailored, job, vocabulary=vocab)

        job = analysis.analyse_job(posting, vocabulary=vocab)
        match = scoring.score_profile(profile, job, vocabulary=vocab)
        rows = {
            "stages 1-4 (excl. PDF)": before_pdf,
            "stage 3 generation only": lambda p=profile, j=job, m=match: generation.generate(
                p, j, m, options=Options(), posting_text=posting.description
            ),
        }
        for what, fn in rows.items():
            times = timings(fn, runs)
            median = statistics.median(times)
            print(
                f"{label:24} {what:34} {median:10.2f} {p95(times):8.2f} {median / baseline:11.2f}"
            )


def overhead(runs: int, posting: JobPosting) -> None:
    vocab = default_vocabulary()
    profile = json.loads((SAMPLES / "resume.json").read_text())
    job = analysis.analyse_job(posting, vocabulary=vocab)
    match = scoring.score_profile(profile, job, vocabulary=vocab)
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    replies: dict[str, bytes] = {}

    def answer(kind: str) -> Callable[[Request], Response]:
        def handler(request: Request) -> Response:
            if kind not in replies:  # the model's answer for this prompt, computed once
                body = json.loads(request.get_data())
                edits = echo_model(body)
                wire = openai_body(json.dumps(edits)) if kind == "openai" else anthropic_body(edits)
                replies[kind] = json.dumps(wire).encode()
            return Response(replies[kind], mimetype="application/json")

        return handler

    server.expect_request("/v1/chat/completions").respond_with_handler(answer("openai"))
    server.expect_request("/v1/messages").respond_with_handler(answer("anthropic"))
    env = {
        "OPENAI_API_KEY": "sk-bench",
        "OPENAI_BASE_URL": server.url_for("/v1"),
        "ANTHROPIC_API_KEY": "sk-bench",
        "ANTHROPIC_BASE_URL": server.url_for("").rstrip("/"),
    }
    settings = llm_settings_from_env(env)
    print(f"\n## Provider overhead, zero-latency local stub ({runs} runs)")
    print(f"{'provider':10} {'bare SDK call ms':>17} {'generate() ms':>14} {'overhead ms':>12}")
    for name in ("openai", "anthropic"):
        def first_request(name: str = name) -> None:
            runtime = generation.LLMRuntime(settings=settings, store=MemoryStore())
            generation.generate(
                profile,
                job,
                match,
                options=Options(provider=name),
                posting_text=posting.description,
                runtime=runtime,
                vocabulary=vocab,
            )

        first_request()
        last = server.log[-1][0]
        captured = json.loads(last.get_data())
        bare = _bare_call(name, env, captured)
        ours = timings(first_request, runs)
        base = timings(bare, runs)
        median_ours, median_base = statistics.median(ours), statistics.median(base)
        print(
            f"{name:10} {median_base:17.2f} {median_ours:14.2f} {median_ours - median_base:12.2f}"
        )
    server.stop()


def _bare_call(name: str, env: dict[str, str], body: dict[str, Any]) -> Callable[[], object]:
    if name == "openai":
        client = openai.OpenAI(
            api_key=env["OPENAI_API_KEY"], base_url=env["OPENAI_BASE_URL"], max_retries=0
        )
        return lambda: client.chat.completions.create(**body)
    other = anthropic.Anthropic(
        api_key=env["ANTHROPIC_API_KEY"], base_url=env["ANTHROPIC_BASE_URL"], max_retries=0
    )
    return lambda: other.messages.create(**body)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    runs = parser.parse_args().runs
    posting = JobPosting(
        description=(SAMPLES / "job.txt").read_text("utf-8"),
        title="Senior Backend Engineer",
        company="Northwind Analytics",
    )
    offline(runs, posting)
    overhead(runs, posting)


if __name__ == "__main__":
    main()
