"""The ssespec example for Flask: a generator per stream reading its own
queue, a broker that fans events out to those queues under one lock, ids,
retry:, keepalive comments and Last-Event-ID resume from a bounded history.

    examples/flask/serve 127.0.0.1:8080

Environment: SSESPEC_PUBLISH=1 adds POST /publish (tests only);
SSESPEC_FAULT=name reproduces a pitfall; SSE_KEEPALIVE, SSE_TICK (seconds)
and SSE_RETRY_MS tune the stream and the demo job.
"""

import collections
import json
import logging
import os
import queue
import re
import signal
import sys
import threading
import time

from flask import Flask, Response, abort, render_template, request

PUBLISH = os.environ.get("SSESPEC_PUBLISH") == "1"
FAULT = os.environ.get("SSESPEC_FAULT", "")
KEEPALIVE = float(os.environ.get("SSE_KEEPALIVE", "15"))
TICK = float(os.environ.get("SSE_TICK", "1"))
RETRY_MS = int(os.environ.get("SSE_RETRY_MS", "3000"))
HISTORY = 1000  # events kept for Last-Event-ID resume
END = "ssespec:end"  # the suite's control event: end every open stream

HEADERS = {
    "Cache-Control": "no-cache, no-transform",
    "X-Accel-Buffering": "no",  # nginx: do not buffer this response
}


def encode(event_id, name, data):
    """One event. CRLF, CR and LF in the data each start a new data: line
    (a raw CR would end the line early in every client)."""
    lines = [f"id: {event_id}"]
    if name:
        lines.append(f"event: {name}")
    lines += [f"data: {line}" for line in re.split(r"\r\n|\r|\n", data)]
    return "\n".join(lines) + "\n\n"


class Subscriber:
    """One open stream: its own queue; None in it ends the stream."""

    def __init__(self):
        self.queue = queue.Queue(maxsize=256)


class Broker:
    """Fans events out to every subscriber's queue. One lock covers the
    sequence, the history and the subscriber set, so every stream sees
    the same events in the same order whichever thread publishes."""

    def __init__(self):
        self.lock = threading.Lock()
        self.seq = 0
        self.history = collections.deque(maxlen=HISTORY)  # (id, frame)
        self.subs = set()

    def subscribe(self, last_id):
        sub = Subscriber()
        with self.lock:
            self.subs.add(sub)
            ids = [i for i, _ in self.history]
            replay = []
            if last_id in ids:
                replay = [f for _, f in list(self.history)[ids.index(last_id) + 1:]]
        return sub, replay

    def unsubscribe(self, sub):
        with self.lock:
            self.subs.discard(sub)

    def publish(self, name, data):
        with self.lock:
            self.seq += 1
            frame = encode(self.seq, name, data)
            self.history.append((str(self.seq), frame))
            for sub in list(self.subs):
                try:
                    sub.queue.put_nowait(frame)
                except queue.Full:
                    # A stalled client must not block everyone: end its
                    # stream; it reconnects with Last-Event-ID.
                    self.subs.discard(sub)
                    self._end(sub)

    def end_all(self):
        with self.lock:
            for sub in self.subs:
                self._end(sub)
            self.subs.clear()

    @staticmethod
    def _end(sub):
        try:
            sub.queue.put_nowait(None)
        except queue.Full:
            pass  # its next get() is a frame; the stream ends once drained


class LatestOnly:
    """The FAULT shared-variable pitfall: the publisher sets one shared
    "latest event" and every stream polls it, instead of each stream having
    its own queue. Events published between two polls overwrite each other."""

    def __init__(self):
        self.latest = (0, None)  # (seq, frame)

    def stream(self):
        seen = self.latest[0]
        while True:
            seq, frame = self.latest
            if seq != seen:
                seen = seq
                yield frame
            time.sleep(0.05)


broker = Broker()
latest = LatestOnly()
# A template pitfall (trigger-outside-connect: hx-trigger="sse:refresh" outside
# the sse-connect element; no-hx-ext: no hx-ext="sse" over the page's
# sse-connect) serves its own page, pitfalls/<fault>/index.html.
PITFALL_PAGE = os.path.join("pitfalls", FAULT)
HAS_PITFALL_PAGE = FAULT and os.path.isdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), PITFALL_PAGE))
app = Flask(__name__, template_folder=PITFALL_PAGE if HAS_PITFALL_PAGE else "templates")
logging.getLogger("werkzeug").setLevel(logging.WARNING)


def publish(name, data):
    broker.publish(name, data)
    if FAULT == "shared-variable":
        latest.latest = (latest.latest[0] + 1, encode(latest.latest[0] + 1, name, data))


@app.get("/")
def index():
    return render_template("index.html")


@app.get("/events")
def events():
    sub, replay = broker.subscribe(request.headers.get("Last-Event-ID"))

    def stream():
        try:
            # Yield at once: Flask sends the headers with the first chunk.
            yield f": connected\nretry: {RETRY_MS}\n\n"
            yield from replay
            if FAULT == "stream-ends":
                # The pitfall: a generator that returns once nothing is queued,
                # as on a fresh stream: EventSource reconnects in a loop. (It
                # returns at once, so an event published meanwhile cannot make
                # the stream look like one that ends after its events.)
                return
            if FAULT == "shared-variable":
                yield from latest.stream()
            while True:
                try:
                    frame = sub.queue.get(timeout=KEEPALIVE)
                except queue.Empty:
                    yield ": keepalive\n\n"  # also how a closed client is noticed
                    continue
                if frame is None:
                    return
                yield frame
        finally:
            broker.unsubscribe(sub)

    # content_type, not mimetype: mimetype would add "; charset=utf-8",
    # which strict clients (fetch-event-source) reject.
    return Response(stream(), content_type="text/event-stream", headers=HEADERS)


@app.get("/status")
def status():
    return f"<p>Status refreshed at {time.strftime('%H:%M:%S')}</p>"


@app.get("/done")
def done():
    # A finished job's stream: 204 tells EventSource to stop reconnecting.
    return "", 204


if PUBLISH:
    # The suite's publish hook, routed only in test mode.
    @app.post("/publish")
    def publish_hook():
        ev = request.get_json(force=True, silent=True)
        if not isinstance(ev, dict):
            abort(400)
        name, data = ev.get("event") or "", ev.get("data") or ""
        if name == END:
            broker.end_all()
        elif "\r" in name or "\n" in name:
            return "event name must be one line", 400
        else:
            publish(name, data)
        return "", 204


def demo_job():
    """The page's job, run in a background thread: progress steps, a
    notification, a refresh trigger and the closing "complete". Publishing
    from this thread is safe because the broker hands off through queues
    under its lock."""
    notification = "notifications" if FAULT == "event-name-mismatch" else "notification"
    job = 0
    while True:
        job += 1
        for step in range(1, 6):
            time.sleep(TICK)
            pct = step * 20
            publish("progress", f'<progress value="{pct}" max="100"></progress>\n<span>job {job}: {pct}%</span>')
            if step == 2:
                publish(notification, f"<li>job {job} started</li>")
            elif step == 3:
                publish("refresh", f"job {job}")
            elif step == 5:
                publish("complete", f"<p>job {job} complete</p>")


def main():
    host, _, port = (sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:8080").rpartition(":")

    def stop(*_):
        broker.end_all()  # end the streams so clients reconnect elsewhere
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    threading.Thread(target=demo_job, daemon=True).start()
    print(f"serving on http://{host}:{port} (publish hook: {PUBLISH}, fault: {FAULT!r})", flush=True)
    app.run(host=host, port=int(port), threaded=True)


if __name__ == "__main__":
    main()
