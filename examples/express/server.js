// The ssespec example for Express: a connection manager holding every open
// response, a heartbeat comment on a timer, ids, retry: and Last-Event-ID
// resume from a bounded history, an htmx page, and — only when
// SSESPEC_PUBLISH=1 — the suite's publish hook.
//
//   examples/express/serve 127.0.0.1:8080
//
// Environment: SSESPEC_FAULT=name reproduces a pitfall; SSE_KEEPALIVE,
// SSE_TICK (seconds) and SSE_RETRY_MS tune the stream and the demo job.
'use strict';

const path = require('node:path');
const fs = require('node:fs');
const express = require('express');

const PUBLISH = process.env.SSESPEC_PUBLISH === '1';
const FAULT = process.env.SSESPEC_FAULT || '';
const KEEPALIVE_MS = Number(process.env.SSE_KEEPALIVE || 15) * 1000;
const TICK_MS = Number(process.env.SSE_TICK || 1) * 1000;
const RETRY_MS = Number(process.env.SSE_RETRY_MS || 3000);
const HISTORY = 1000; // events kept for Last-Event-ID resume
const END = 'ssespec:end'; // the suite's control event: end every open stream

// encode writes one event. CRLF, CR and LF in the data each start a new
// data: line (a raw CR would end the line early in every client).
function encode(id, name, data) {
  let out = `id: ${id}\n`;
  if (name) out += `event: ${name}\n`;
  for (const line of String(data).split(/\r\n|\r|\n/)) out += `data: ${line}\n`;
  return out + '\n';
}

// SSEManager holds the open streams. Node runs JavaScript on one thread,
// so a broadcast writes to every stream in publish order with no lock.
class SSEManager {
  constructor() {
    this.clients = new Set();
    this.seq = 0;
    this.history = []; // {id, frame}
    this.heartbeat = setInterval(() => this.writeAll(': heartbeat\n\n'), KEEPALIVE_MS);
  }

  connect(req, res) {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache, no-transform',
      'X-Accel-Buffering': 'no', // nginx: do not buffer this response
      Connection: 'keep-alive',
    });
    res.write(`: connected\nretry: ${RETRY_MS}\n\n`); // headers and preamble at once
    const last = req.get('Last-Event-ID');
    if (last !== undefined) {
      const at = this.history.findIndex((e) => e.id === last);
      if (at >= 0) for (const e of this.history.slice(at + 1)) res.write(e.frame);
    }
    if (FAULT === 'stream-ends') {
      res.end(); // the pitfall: ending the response; EventSource reconnects in a loop
      return;
    }
    this.clients.add(res);
    req.on('close', () => this.clients.delete(res));
  }

  publish(name, data) {
    this.seq += 1;
    const id = String(this.seq);
    const frame = encode(id, name, data);
    this.history.push({ id, frame });
    if (this.history.length > HISTORY) this.history.shift();
    this.writeAll(frame);
  }

  writeAll(chunk) {
    for (const res of this.clients) {
      // A client whose socket buffer is full is ended rather than buffered
      // without bound; it reconnects with Last-Event-ID and is replayed.
      if (res.writableLength > 1 << 22) res.end();
      else res.write(chunk);
    }
  }

  endAll() {
    for (const res of this.clients) res.end();
    this.clients.clear();
  }

  close() {
    clearInterval(this.heartbeat);
    this.endAll();
  }
}

const sse = new SSEManager();
const app = express();
const page = fs.readFileSync(path.join(__dirname, 'templates', 'index.html'), 'utf8');

app.get('/', (req, res) => res.type('html').send(page));
app.get('/events', (req, res) => sse.connect(req, res));
app.get('/status', (req, res) => res.send(`<p>Status refreshed at ${new Date().toTimeString().slice(0, 8)}</p>`));
// A finished job's stream: 204 tells EventSource to stop reconnecting.
app.get('/done', (req, res) => res.status(204).end());

if (PUBLISH) {
  // The suite's publish hook, routed only in test mode.
  app.post('/publish', express.json({ limit: '8mb' }), (req, res) => {
    const ev = req.body || {};
    const name = typeof ev.event === 'string' ? ev.event : '';
    const data = typeof ev.data === 'string' ? ev.data : '';
    if (name === END) sse.endAll();
    else if (/[\r\n]/.test(name)) return res.status(400).send('event name must be one line');
    else sse.publish(name, data);
    return res.status(204).end();
  });
}

// The page's job: progress steps, a notification, a refresh trigger, then
// "complete".
function demo() {
  const notification = FAULT === 'event-name-mismatch' ? 'notifications' : 'notification';
  let job = 1;
  let step = 0;
  return setInterval(() => {
    step += 1;
    const pct = step * 20;
    sse.publish('progress', `<progress value="${pct}" max="100"></progress>\n<span>job ${job}: ${pct}%</span>`);
    if (step === 2) sse.publish(notification, `<li>job ${job} started</li>`);
    if (step === 3) sse.publish('refresh', `job ${job}`);
    if (step === 5) {
      sse.publish('complete', `<p>job ${job} complete</p>`);
      job += 1;
      step = 0;
    }
  }, TICK_MS);
}

const [host, port] = (process.argv[2] || '127.0.0.1:8080').split(/:(?=\d+$)/);
const ticker = demo();
const server = app.listen(Number(port), host, () => {
  console.log(`serving on http://${host}:${port} (publish hook: ${PUBLISH}, fault: ${JSON.stringify(FAULT)})`);
});

// Graceful shutdown: end the streams (server.close waits for open
// responses, and a stream never finishes by itself), then stop listening.
for (const sig of ['SIGTERM', 'SIGINT']) {
  process.on(sig, () => {
    clearInterval(ticker);
    sse.close();
    server.close(() => process.exit(0));
    server.closeIdleConnections();
  });
}
