// Recorder for the ssespec htmx page. It runs after htmx and htmx-ext-sse
// load and before htmx processes the DOM (on DOMContentLoaded), so it sees
// every EventSource the extension creates and every htmx:sse* event.
// The harness reads window.__ssespec.snapshot() through DevTools.
(function () {
  "use strict";
  var rec = { events: [], sources: [], dropped: 0, messages: 0 };
  window.__ssespec = rec;

  // Epoch milliseconds with sub-millisecond precision, so the harness can
  // place page events on the same time line as DevTools events.
  function now() { return performance.timeOrigin + performance.now(); }
  function latest() { return rec.sources.length ? rec.sources[rec.sources.length - 1] : null; }
  function str(v) { return typeof v === "string" ? v : ""; }
  // Strings are kept as a short preview; they are compared by their UTF-8
  // length and hash, so an event of any size is judged whole while every
  // snapshot the harness polls stays small.
  var maxPreview = 1024;
  function preview(v) { return v.length > maxPreview ? v.slice(0, maxPreview) : v; }
  var utf8 = new TextEncoder();
  // FNV-1a (32 bit) of the UTF-8 bytes; the harness computes the same
  // (browser.Hash). crypto.subtle is async and missing on http:// origins.
  function fnv(bytes) {
    var h = 0x811c9dc5;
    for (var i = 0; i < bytes.length; i++) { h = Math.imul(h ^ bytes[i], 0x01000193); }
    return h >>> 0;
  }
  function measure(v) { var b = utf8.encode(v); return { len: b.length, hash: fnv(b) }; }
  // Bounded like the harness's recordings: a flood of messages must not
  // grow the page without limit. Messages carrying a suite nonce
  // ("ssespec-") have their own bound, so a flood cannot crowd out the
  // events the suite published; other htmx events (open, error, close) too.
  var maxMessages = 1000, maxTagged = 1000, maxOther = 1000, tagged = 0, others = 0;
  function push(type, detail, target, source) {
    detail = detail || {};
    var isMsg = type === "htmx:sseBeforeMessage" || type === "htmx:sseMessage";
    var isTagged = isMsg && str(detail.data).indexOf("ssespec-") >= 0;
    if (isTagged ? tagged >= maxTagged : isMsg ? rec.messages >= maxMessages : others >= maxOther) { rec.dropped++; return; }
    if (isTagged) { tagged++; } else if (isMsg) { rec.messages++; } else { others++; }
    source = source || latest();
    // htmx fires htmx:sseMessage right after its (synchronous) swap, so the
    // target's content here is what that event swapped in.
    var content = type === "htmx:sseMessage" && target && target.nodeType === 1;
    var data = str(detail.data), d = measure(data);
    var text = content ? str(target.textContent) : "", t = content ? measure(text) : { len: 0, hash: 0 };
    var html = content ? str(target.innerHTML) : "";
    rec.events.push({
      type: type,
      detailType: str(detail.type),
      data: preview(data),
      dataLen: d.len,
      dataHash: d.hash,
      dataLines: data.split("\n").length,
      lastEventId: str(detail.lastEventId),
      target: (target && target.id) || "",
      readyState: source ? source.readyState : -1,
      html: preview(html),
      htmlLen: content ? utf8.encode(html).length : 0,
      text: preview(text),
      textLen: t.len,
      textHash: t.hash,
      at: now()
    });
  }

  // Capture phase, so a page handler that stops propagation cannot hide an
  // event. Only the camelCase names: htmx also fires kebab-case duplicates.
  ["htmx:sseOpen", "htmx:sseError", "htmx:sseBeforeMessage", "htmx:sseMessage", "htmx:sseClose"]
    .forEach(function (name) {
      document.addEventListener(name, function (e) {
        var d = e.detail || {};
        var src = d.source || (d.target instanceof EventSource ? d.target : null);
        push(name, d, e.target, src);
      }, true);
    });

  // Wrap the extension's factory instead of replacing it, so the
  // EventSource is still created exactly as htmx-ext-sse does it
  // (withCredentials: true). Native open/error show the browser's own
  // reconnects, which htmx reports only partly.
  if (window.htmx && typeof htmx.createEventSource === "function") {
    var create = htmx.createEventSource;
    htmx.createEventSource = function (url) {
      var src = create(url);
      rec.sources.push(src);
      src.addEventListener("open", function () { push("eventsource:open", null, null, src); });
      src.addEventListener("error", function () { push("eventsource:error", null, null, src); });
      return src;
    };
  } else {
    console.error("ssespec: htmx or htmx-ext-sse did not load");
  }

  // The page's own 50 ms ticker, a control for the browser's timed work:
  // EventSource's reconnect timer runs on this same thread, so a wait a
  // busy machine stretched shows here as late ticks. stalls holds [at,
  // late ms] of each tick over 10 ms late, the newest maxStalls.
  var tickMs = 50, lastTick = now(), maxStalls = 500;
  rec.stalls = [];
  setInterval(function () {
    var t = now(), late = t - lastTick - tickMs;
    if (late > 10) {
      if (rec.stalls.length >= maxStalls) { rec.stalls.shift(); }
      rec.stalls.push([lastTick, late]);
    }
    lastTick = t;
  }, tickMs);

  // snapshot(from, epoch) returns the events from index from on: the
  // harness polls every 20 ms and keeps those it has, so a read costs what
  // is new, not the whole page's history. epoch names this recorder; a
  // caller that knew another (the page was loaded again) gets them all.
  rec.epoch = String(now()) + "-" + Math.random().toString(36).slice(2);
  rec.snapshot = function (from, epoch) {
    var s = latest();
    from = epoch === rec.epoch && from > 0 && from <= rec.events.length ? from : 0;
    // A tick overdue now is a stall too: this read may run before it.
    var overdue = now() - lastTick - tickMs;
    var stalls = overdue > 10 ? rec.stalls.concat([[lastTick, overdue]]) : rec.stalls;
    return { epoch: rec.epoch, from: from, events: rec.events.slice(from), readyState: s ? s.readyState : -1, sources: rec.sources.length, dropped: rec.dropped, stalls: stalls, at: now() };
  };
})();
