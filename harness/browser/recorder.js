// Recorder for the ssespec htmx page. It runs after htmx and htmx-ext-sse
// load and before htmx processes the DOM (on DOMContentLoaded), so it sees
// every EventSource the extension creates and every htmx:sse* event.
// The harness reads window.__ssespec.snapshot() through DevTools.
(function () {
  "use strict";
  var rec = { events: [], sources: [] };
  window.__ssespec = rec;

  // Epoch milliseconds with sub-millisecond precision, so the harness can
  // place page events on the same time line as DevTools events.
  function now() { return performance.timeOrigin + performance.now(); }
  function latest() { return rec.sources.length ? rec.sources[rec.sources.length - 1] : null; }
  function str(v) { return typeof v === "string" ? v : ""; }
  // What an element shows, capped so a huge payload cannot bloat every
  // snapshot the harness polls.
  var maxContent = 65536;
  function cap(v) { v = str(v); return v.length > maxContent ? v.slice(0, maxContent) : v; }
  function push(type, detail, target, source) {
    detail = detail || {};
    source = source || latest();
    // htmx fires htmx:sseMessage right after its (synchronous) swap, so the
    // target's content here is what that event swapped in.
    var content = type === "htmx:sseMessage" && target && target.nodeType === 1;
    rec.events.push({
      type: type,
      detailType: str(detail.type),
      data: str(detail.data),
      lastEventId: str(detail.lastEventId),
      target: (target && target.id) || "",
      readyState: source ? source.readyState : -1,
      html: content ? cap(target.innerHTML) : "",
      text: content ? cap(target.textContent) : "",
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

  rec.snapshot = function () {
    var s = latest();
    return { events: rec.events, readyState: s ? s.readyState : -1, sources: rec.sources.length };
  };
})();
