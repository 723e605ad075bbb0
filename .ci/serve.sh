#!/usr/bin/env bash
# Run the API (gunicorn), one Celery worker and Flower in the foreground; Ctrl-C stops all three.
set -uo pipefail
BIN=${BIN:-.venv/bin}
PORT=${PORT:-8000}

mkdir -p var
"$BIN/flask" --app wsgi db upgrade || exit 1

pids=()
stop() {
  trap - INT TERM EXIT
  # Background jobs of a script ignore SIGINT, so pass the stop on as SIGTERM.
  kill -TERM "${pids[@]}" 2>/dev/null
  wait
}
trap stop INT TERM EXIT

# gthread: each open event stream holds one of the 32 threads; SSE_MAX_STREAMS (24) leaves 8 free.
"$BIN/gunicorn" --bind "0.0.0.0:$PORT" --worker-class gthread --workers 2 --threads 32 \
  wsgi:app & pids+=($!)
"$BIN/celery" -A worker.celery_app worker --loglevel INFO --queues default,bulk,webhooks \
  --concurrency 2 --beat --schedule var/celerybeat-schedule & pids+=($!)
"$BIN/celery" -A worker.celery_app flower --port=5555 & pids+=($!)
echo "API http://localhost:$PORT (docs at /docs) · Flower http://localhost:5555 · Ctrl-C stops all"
wait -n  # if any one of them dies, stop the others too
