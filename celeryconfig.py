"""Celery settings. Broker URL and eager mode come from the Flask config (the environment)."""

# Only JSON crosses the wire: task arguments are ids and small options, never resume text.
task_serializer = "json"
result_serializer = "json"
accept_content = ["json"]

# Ack after the work, not before: a worker killed mid-stage must hand the message back.
task_acks_late = True
task_reject_on_worker_lost = True
# One message at a time per process, so a long optimization never holds others hostage.
worker_prefetch_multiplier = 1

# A task that hangs is stopped: the soft limit raises inside it, the hard limit kills the child.
# These are the fallback; each task sets its own.
task_soft_time_limit = 240
task_time_limit = 300

# Redis re-delivers an unacked message after this long; it must outlast the hard limit plus
# the longest retry delay, or a slow task would run twice at once.
broker_transport_options = {"visibility_timeout": 3600}
broker_connection_retry_on_startup = True

task_default_queue = "default"
task_routes = {
    "resumesmith.pipeline.*": {"queue": "default"},
    "resumesmith.bulk.*": {"queue": "bulk"},
    "resumesmith.webhooks.*": {"queue": "webhooks"},
}
# Give up publishing fast so the API can answer 503 instead of hanging the request.
task_publish_retry_policy = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2}
broker_connection_timeout = 3

# Postgres holds the truth about every operation; results are not stored.
task_ignore_result = True
result_backend = None

# A webhook delivery whose publish the broker refused would otherwise wait forever.
beat_schedule = {
    "sweep-stalled-webhooks": {"task": "resumesmith.webhooks.sweep", "schedule": 300.0},
}

worker_send_task_events = True
task_send_sent_event = True
imports = ("worker.tasks",)
