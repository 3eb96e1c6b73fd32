"""The ssespec example for FastAPI: async pub/sub — an asyncio.Queue per
stream, a StreamingResponse over an async generator, keepalive comments on
a timeout, ids, retry: and Last-Event-ID resume from a bounded history.
The demo job runs in a worker thread and hands events to the event loop
with call_soon_threadsafe, the guides' thread-safe pattern.

    examples/fastapi/serve 127.0.0.1:8080

Environment: SSESPEC_PUBLISH=1 adds POST /publish (tests only);
SSESPEC_FAULT=name reproduces a pitfall; SSE_KEEPALIVE, SSE_TICK (seconds)
and SSE_RETRY_MS tune the stream and the demo job.
"""

import asyncio
import collections
import os
import re
import sys
import threading
import time
from pathlib import Path

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response, StreamingResponse

PUBLISH = os.environ.get("SSESPEC_PUBLISH") == "1"
FAULT = os.environ.get("SSESPEC_FAULT", "")
KEEPALIVE = float(os.environ.get("SSE_KEEPALIVE", "15"))
TICK = float(os.environ.get("SSE_TICK", "1"))
RETRY_MS = int(os.environ.get("SSE_RETRY_MS", "3000"))
HISTORY = 1000  # events kept for Last-Event-ID resume
END = "ssespec:end"  # the suite's control event: end every open stream
TEMPLATES = Path(__file__).parent / "templates"

HEADERS = {
    "Cache-Control": "no-cache, no-transform",
    "X-Accel-Buffering": "no",  # nginx: do not buffer this response
}


def encode(event_id, name, data):
    """One event. CRLF, CR and LF in the data each start a new data: line."""
    lines = [f"id: {event_id}"]
    if name:
        lines.append(f"event: {name}")
    lines += [f"data: {line}" for line in re.split(r"\r\n|\r|\n", data)]
    return "\n".join(lines) + "\n\n"


class Broker:
    """Fans events out to one asyncio.Queue per stream. It runs on the
    event loop only (asyncio queues are not thread-safe): other threads
    publish through publish_threadsafe."""

    def __init__(self):
        self.seq = 0
        self.history = collections.deque(maxlen=HISTORY)  # (id, frame)
        self.subs = set()
        self.loop = None  # set at startup

    def subscribe(self, last_id):
        q = asyncio.Queue(maxsize=256)
        self.subs.add(q)
        ids = [i for i, _ in self.history]
        replay = []
        if last_id in ids:
            replay = [f for _, f in list(self.history)[ids.index(last_id) + 1:]]
        return q, replay

    def publish(self, name, data):
        self.seq += 1
        frame = encode(self.seq, name, data)
        self.history.append((str(self.seq), frame))
        for q in list(self.subs):
            try:
                q.put_nowait(frame)
            except asyncio.QueueFull:
                self.subs.discard(q)  # a stalled client is dropped; it resumes with Last-Event-ID

    def publish_threadsafe(self, name, data):
        self.loop.call_soon_threadsafe(self.publish, name, data)

    def end_all(self):
        for q in self.subs:
            try:
                q.put_nowait(None)
            except asyncio.QueueFull:
                pass
        self.subs.clear()


broker = Broker()
app = FastAPI()


@app.on_event("startup")
async def startup():
    broker.loop = asyncio.get_running_loop()  # captured on the loop, before any thread needs it
    threading.Thread(target=demo_job, daemon=True).start()


@app.on_event("shutdown")
async def shutdown():
    broker.end_all()


@app.get("/", response_class=HTMLResponse)
async def index():
    return (TEMPLATES / "index.html").read_text()


async def stream(q, replay):
    try:
        yield f": connected\nretry: {RETRY_MS}\n\n"
        for frame in replay:
            yield frame
        if FAULT == "stream-ends":
            # The pitfall: a generator that returns once nothing is queued,
            # as on a fresh stream: EventSource reconnects in a loop. (It
            # returns at once, so an event published meanwhile cannot make
            # the stream look like one that ends after its events.)
            return
        while True:
            try:
                frame = await asyncio.wait_for(q.get(), timeout=KEEPALIVE)
            except asyncio.TimeoutError:
                yield ": keepalive\n\n"
                continue
            if frame is None:
                return
            yield frame
    finally:
        broker.subs.discard(q)


@app.get("/events")
async def events(request: Request):
    q, replay = broker.subscribe(request.headers.get("last-event-id"))
    # Content-Type in headers: media_type would add "; charset=utf-8",
    # which strict clients (fetch-event-source) reject.
    return StreamingResponse(stream(q, replay), headers={**HEADERS, "Content-Type": "text/event-stream"})


@app.get("/status", response_class=HTMLResponse)
async def status():
    return f"<p>Status refreshed at {time.strftime('%H:%M:%S')}</p>"


@app.get("/done")
async def done():
    # A finished job's stream: 204 tells EventSource to stop reconnecting.
    return Response(status_code=204)


def publish_event(ev):
    """The hook's body: {"event","data","id"}."""
    if not isinstance(ev, dict):
        return PlainTextResponse("want a JSON object", status_code=400)
    name, data = ev.get("event") or "", ev.get("data") or ""
    if name == END:
        broker.end_all()
    elif "\r" in name or "\n" in name:
        return PlainTextResponse("event name must be one line", status_code=400)
    else:
        broker.publish(name, data)
    return Response(status_code=204)


if PUBLISH:
    # The suite's publish hook, routed only in test mode. An async def: it
    # runs on the loop, where the asyncio queues live.
    @app.post("/publish")
    async def publish_hook(ev: dict):
        return publish_event(ev)


def demo_job():
    """The page's job, in a worker thread like a long-running operation:
    progress steps, a notification, a refresh trigger, then "complete"."""
    notification = "notifications" if FAULT == "event-name-mismatch" else "notification"
    job = 0
    while True:
        job += 1
        for step in range(1, 6):
            time.sleep(TICK)
            pct = step * 20
            emit = broker.publish_threadsafe
            emit("progress", f'<progress value="{pct}" max="100"></progress>\n<span>job {job}: {pct}%</span>')
            if step == 2:
                emit(notification, f"<li>job {job} started</li>")
            elif step == 3:
                emit("refresh", f"job {job}")
            elif step == 5:
                emit("complete", f"<p>job {job} complete</p>")


def main():
    host, _, port = (sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:8080").rpartition(":")
    print(f"serving on http://{host}:{port} (publish hook: {PUBLISH}, fault: {FAULT!r})", flush=True)
    uvicorn_server(host, int(port)).run()


def uvicorn_server(host, port):
    """uvicorn waits for open responses before its shutdown hook runs, and
    a stream never finishes by itself: on SIGTERM/SIGINT end the streams
    first, then let uvicorn drain and exit."""

    class Server(uvicorn.Server):
        def handle_exit(self, sig, frame):
            if broker.loop is not None:
                broker.loop.call_soon_threadsafe(broker.end_all)
            super().handle_exit(sig, frame)

    return Server(uvicorn.Config(app, host=host, port=port, log_level="warning"))


if __name__ == "__main__":
    main()
