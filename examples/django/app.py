"""The ssespec example for Django: a StreamingHttpResponse over a
generator reading its own queue, a broker fanning events out under one
lock, ids, retry:, keepalive comments and Last-Event-ID resume from a
bounded history. One file (settings.configure) to stay small; in a
project the views go in views.py and the broker in its own module.

    examples/django/serve 127.0.0.1:8080

Served by Django's threaded WSGI server (what runserver uses), which
writes and flushes each chunk. Under ASGI, Django 3.2 iterates a
StreamingHttpResponse synchronously on the event loop: use WSGI (or
Django >= 4.2 with an async iterator) for streams.

Environment: SSESPEC_PUBLISH=1 adds POST /publish (tests only);
SSESPEC_FAULT=name reproduces a pitfall; SSE_KEEPALIVE, SSE_TICK (seconds)
and SSE_RETRY_MS tune the stream and the demo job.
"""

import collections
import json
import os
import queue
import re
import signal
import sys
import threading
import time
from pathlib import Path

import django
from django.conf import settings

PUBLISH = os.environ.get("SSESPEC_PUBLISH") == "1"
FAULT = os.environ.get("SSESPEC_FAULT", "")
KEEPALIVE = float(os.environ.get("SSE_KEEPALIVE", "15"))
TICK = float(os.environ.get("SSE_TICK", "1"))
RETRY_MS = int(os.environ.get("SSE_RETRY_MS", "3000"))
HISTORY = 1000  # events kept for Last-Event-ID resume
END = "ssespec:end"  # the suite's control event: end every open stream

settings.configure(
    DEBUG=False,
    ALLOWED_HOSTS=["127.0.0.1", "localhost", "[::1]"],
    ROOT_URLCONF=__name__,
    SECRET_KEY="ssespec-example-not-secret",
    MIDDLEWARE=[],  # no GZipMiddleware: it would hold events back
    TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates", "DIRS": [Path(__file__).parent / "templates"]}],
    DATA_UPLOAD_MAX_MEMORY_SIZE=8 << 20,  # the suite publishes a 1 MiB payload
)
django.setup()

from django.http import HttpResponse, HttpResponseBadRequest, StreamingHttpResponse  # noqa: E402
from django.shortcuts import render  # noqa: E402
from django.urls import path  # noqa: E402
from django.views.decorators.csrf import csrf_exempt  # noqa: E402
from django.views.decorators.http import require_GET, require_POST  # noqa: E402


def encode(event_id, name, data):
    """One event. CRLF, CR and LF in the data each start a new data: line."""
    lines = [f"id: {event_id}"]
    if name:
        lines.append(f"event: {name}")
    lines += [f"data: {line}" for line in re.split(r"\r\n|\r|\n", data)]
    return "\n".join(lines) + "\n\n"


class Broker:
    """Fans events out to one queue per stream under one lock."""

    def __init__(self):
        self.lock = threading.Lock()
        self.seq = 0
        self.history = collections.deque(maxlen=HISTORY)  # (id, frame)
        self.subs = set()

    def subscribe(self, last_id):
        q = queue.Queue(maxsize=256)
        with self.lock:
            self.subs.add(q)
            ids = [i for i, _ in self.history]
            replay = []
            if last_id in ids:
                replay = [f for _, f in list(self.history)[ids.index(last_id) + 1:]]
        return q, replay

    def unsubscribe(self, q):
        with self.lock:
            self.subs.discard(q)

    def publish(self, name, data):
        with self.lock:
            self.seq += 1
            frame = encode(self.seq, name, data)
            self.history.append((str(self.seq), frame))
            for q in list(self.subs):
                try:
                    q.put_nowait(frame)
                except queue.Full:
                    self.subs.discard(q)  # stalled: dropped; it resumes with Last-Event-ID

    def end_all(self):
        with self.lock:
            for q in self.subs:
                try:
                    q.put_nowait(None)
                except queue.Full:
                    pass
            self.subs.clear()


broker = Broker()


def stream(q, replay):
    try:
        yield f": connected\nretry: {RETRY_MS}\n\n"  # at once: the headers go with it
        yield from replay
        if FAULT == "stream-ends":
            # The pitfall: a generator that returns once nothing is queued,
            # as on a fresh stream: EventSource reconnects in a loop. (It
            # returns at once, so an event published meanwhile cannot make
            # the stream look like one that ends after its events.)
            return
        while True:
            try:
                frame = q.get(timeout=KEEPALIVE)
            except queue.Empty:
                yield ": keepalive\n\n"  # also how a closed client is noticed
                continue
            if frame is None:
                return
            yield frame
    finally:
        broker.unsubscribe(q)


@require_GET
def index(request):
    return render(request, "index.html")


@require_GET
def events(request):
    q, replay = broker.subscribe(request.headers.get("Last-Event-ID"))
    resp = StreamingHttpResponse(stream(q, replay), content_type="text/event-stream")
    resp["Cache-Control"] = "no-cache, no-transform"
    resp["X-Accel-Buffering"] = "no"  # nginx: do not buffer this response
    return resp


@require_GET
def status(request):
    return HttpResponse(f"<p>Status refreshed at {time.strftime('%H:%M:%S')}</p>")


@require_GET
def done(request):
    # A finished job's stream: 204 tells EventSource to stop reconnecting.
    return HttpResponse(status=204)


@csrf_exempt  # a test-only JSON hook; never route it in production
@require_POST
def publish_hook(request):
    try:
        ev = json.loads(request.body)
    except ValueError:
        return HttpResponseBadRequest("want JSON")
    if not isinstance(ev, dict):
        return HttpResponseBadRequest("want a JSON object")
    name, data = ev.get("event") or "", ev.get("data") or ""
    if name == END:
        broker.end_all()
    elif "\r" in name or "\n" in name:
        return HttpResponseBadRequest("event name must be one line")
    else:
        broker.publish(name, data)
    return HttpResponse(status=204)


urlpatterns = [
    path("", index),
    path("events", events),
    path("status", status),
    path("done", done),
]
if PUBLISH:
    urlpatterns.append(path("publish", publish_hook))  # test mode only


def demo_job():
    """The page's job, in a background thread: progress steps, a
    notification, a refresh trigger, then "complete"."""
    notification = "notifications" if FAULT == "event-name-mismatch" else "notification"
    job = 0
    while True:
        job += 1
        for step in range(1, 6):
            time.sleep(TICK)
            pct = step * 20
            broker.publish("progress", f'<progress value="{pct}" max="100"></progress>\n<span>job {job}: {pct}%</span>')
            if step == 2:
                broker.publish(notification, f"<li>job {job} started</li>")
            elif step == 3:
                broker.publish("refresh", f"job {job}")
            elif step == 5:
                broker.publish("complete", f"<p>job {job} complete</p>")


def main():
    from django.core.servers.basehttp import WSGIServer, run
    from django.core.wsgi import get_wsgi_application

    host, _, port = (sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:8080").rpartition(":")

    def stop(*_):
        broker.end_all()
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    threading.Thread(target=demo_job, daemon=True).start()
    print(f"serving on http://{host}:{port} (publish hook: {PUBLISH}, fault: {FAULT!r})", flush=True)
    run(host, int(port), get_wsgi_application(), threading=True, server_cls=WSGIServer)


if __name__ == "__main__":
    main()
