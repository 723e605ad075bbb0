"""Nobody reads another user's data: every id-taking route answers 404 to a stranger."""

from __future__ import annotations

import subprocess

from flask import Flask

from tests.conftest import as_user, poll

SKIP_METHODS = {"HEAD", "OPTIONS"}
# Bodies that pass validation, so the ownership check is what answers.
VALID_BODIES = {
    ("PUT", "/api/v1/resumes/<uuid:resume_id>"): {"profile": {"basics": {"name": "Mallory"}}},
    ("PATCH", "/api/v1/admin/users/<uuid:user_id>"): {"role": "admin"},
}


PUBLIC = ("/api/v1/templates/",)


def test_every_route_hides_other_users_resources(
    app: Flask,
    celery_worker_process: subprocess.Popen[str],
    sample_resume_text: str,
    sample_job_text: str,
) -> None:
    alice = as_user(app, "alice@example.com")
    bob = as_user(app, "bob@example.com")
    resume = alice.post("/api/v1/resumes", json={"text": sample_resume_text}).json["id"]
    job = alice.post("/api/v1/jobs", json={"description": sample_job_text}).json["id"]
    submitted = alice.post("/api/v1/optimizations", json={"resume_id": resume, "job_id": job})
    done = poll(alice, submitted.headers["Location"])
    assert done["status"] == "succeeded"
    matched = alice.post("/api/v1/matches", json={"resume_id": resume, "job_ids": [job]})
    assert poll(alice, matched.headers["Location"])["status"] == "succeeded"
    batch = alice.post("/api/v1/batches", json={"items": [{"resume_id": resume, "job_id": job}]})
    assert poll(alice, batch.headers["Location"])["status"] == "succeeded"
    ids = {
        "match_id": matched.json["id"],
        "batch_id": batch.json["id"],
        "resume_id": resume,
        "job_id": job,
        "optimization_id": done["id"],
        "document_id": done["result"]["documents"][0]["id"],
        "key_id": alice.post("/api/v1/api-keys", json={"name": "k"}).json["id"],
        "webhook_id": alice.post(
            "/api/v1/webhooks", json={"url": "https://hooks.example.com/alice"}
        ).json["id"],
        "user_id": alice.get("/api/v1/me").json["id"],
    }

    checked = []
    for rule in app.url_map.iter_rules():
        if not rule.arguments or rule.endpoint == "static" or "openapi" in rule.endpoint:
            continue
        if rule.rule.startswith(PUBLIC):
            continue  # the same for everyone: no user's data behind it
        unknown = rule.arguments - set(ids)
        assert not unknown, f"{rule.rule}: give this test an id for {unknown}"
        url = rule.rule
        for name in rule.arguments:
            url = url.replace(f"<uuid:{name}>", ids[name]).replace(f"<{name}>", ids[name])
        for method in sorted((rule.methods or set()) - SKIP_METHODS):
            body = VALID_BODIES.get((method, rule.rule), {})
            response = bob.open(url, method=method, json=body)
            expected = 403 if url.startswith("/api/v1/admin/") else 404
            assert response.status_code == expected, (
                f"{method} {rule.rule} → {response.status_code}"
            )
            assert response.mimetype == "application/problem+json"
            checked.append(f"{method} {rule.rule}")
    assert len(checked) >= 6, checked

    # Creating work from someone else's resume or job is refused the same way.
    stolen = bob.post("/api/v1/optimizations", json={"resume_id": resume, "job_id": job})
    assert stolen.status_code == 404
    # And nothing of Alice's was touched by Bob's attempts.
    assert alice.get(f"/api/v1/resumes/{resume}").status_code == 200
    assert alice.get(done["result"]["documents"][0]["url"]).status_code == 200
    assert len(alice.get("/api/v1/api-keys").json) == 1
