// Radiator's browser snippet, served at /client.js. A team adds one tag:
//   <script src="http://127.0.0.1:7070/client.js" data-release="1.4.2" data-sample="0.5"></script>
// and it reports JavaScript errors and unhandled rejections (message cut to 200 characters,
// script file without its query, line, column, and a count), the page's load timings, and the
// Core Web Vitals measured as web.dev defines them — LCP (the last largest-contentful-paint entry
// before the first input), CLS (the largest burst of layout shifts: shifts < 1 s apart, within
// 5 s, not right after input) and INP (the longest interaction's latency, skipping one per 50
// interactions) — in batches, with navigator.sendBeacon (fetch keepalive where that fails), for
// the sampled share of page views. Never the page's content, never a URL's query string.
// ES2017, no dependencies; compiled by scripts/build-client.ts.

interface Item {
  t: string;
  p: string;
  v?: number;
  kind?: string;
  msg?: string;
  src?: string;
  line?: number;
  col?: number;
  n?: number;
}

(function () {
  const script = document.currentScript as HTMLScriptElement | null;
  if (!script || !script.src || typeof Promise === 'undefined') return;
  const sample = parseFloat(script.getAttribute('data-sample') || '1');
  if (!(Math.random() < (isFinite(sample) ? sample : 1))) return;
  const endpoint = script.src.replace(/\/client\.js([?#].*)?$/, '/api/v1/client');
  const release = script.getAttribute('data-release') || '';
  const landing = location.pathname;
  let queue: Item[] = [];
  let timer = 0;
  let errorsSent = 0;

  function send(): void {
    if (timer) clearTimeout(timer);
    timer = 0;
    if (!queue.length) return;
    const body = JSON.stringify({ v: 1, release: release, items: queue.splice(0, 100) });
    let ok = false;
    try {
      ok = !!navigator.sendBeacon && navigator.sendBeacon(endpoint, body);
    } catch (e) {
      ok = false;
    }
    if (!ok && typeof fetch === 'function') {
      fetch(endpoint, { method: 'POST', body: body, keepalive: true, mode: 'no-cors', headers: { 'Content-Type': 'text/plain' } }).catch(function () {});
    }
    if (queue.length) send();
  }

  function push(item: Item): void {
    queue.push(item);
    if (queue.length >= 20) send();
    else if (!timer) timer = window.setTimeout(send, 5000);
  }

  // ── errors: the same error from the same place counts up instead of repeating ──
  const pending: { [key: string]: Item } = {};
  function error(kind: string, msg: string, src: string, line: number, col: number): void {
    if (errorsSent >= 100) return;
    const m = String(msg || '').slice(0, 200);
    const file = String(src || '').split(/[?#]/)[0]!.slice(0, 300);
    const key = kind + m + file + line + ':' + col;
    const seen = pending[key];
    if (seen) {
      seen.n = (seen.n || 1) + 1;
      return;
    }
    errorsSent++;
    const item: Item = { t: 'error', p: location.pathname, kind: kind, msg: m, src: file, line: line || 0, col: col || 0, n: 1 };
    pending[key] = item;
    push(item);
    // Counting the same error again only until this batch leaves.
    setTimeout(function () {
      delete pending[key];
    }, 5000);
  }
  addEventListener('error', function (e: ErrorEvent) {
    // Resource load errors reach window in the capture phase only, without a message: skip them.
    if (!e.message) return;
    error('error', e.message, e.filename, e.lineno, e.colno);
  });
  addEventListener('unhandledrejection', function (e: PromiseRejectionEvent) {
    const r = e.reason;
    const msg = r && r.message ? r.message : String(r);
    const stack = r && typeof r.stack === 'string' ? /(https?:\/\/[^\s)]+):(\d+):(\d+)/.exec(r.stack) : null;
    error('rejection', msg, stack ? stack[1]! : '', stack ? +stack[2]! : 0, stack ? +stack[3]! : 0);
  });

  // ── page load ──
  function timings(): void {
    const nav = performance.getEntriesByType && (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined);
    if (nav && nav.loadEventEnd > 0) {
      push({ t: 'load', p: landing, v: Math.round(nav.loadEventEnd) });
      if (nav.responseStart > 0) push({ t: 'ttfb', p: landing, v: Math.round(nav.responseStart) });
    }
  }
  if (document.readyState === 'complete') setTimeout(timings, 0);
  else
    addEventListener('load', function () {
      setTimeout(timings, 0);
    });

  // ── Core Web Vitals ──
  function observe(type: string, fn: (list: PerformanceEntry[]) => void, opts?: object): void {
    try {
      const po = new PerformanceObserver(function (l) {
        fn(l.getEntries());
      });
      po.observe(Object.assign({ type: type, buffered: true }, opts || {}) as PerformanceObserverInit);
    } catch (e) {
      /* not supported here */
    }
  }
  let lcp = -1;
  let lcpFinal = false;
  observe('largest-contentful-paint', function (list) {
    if (!lcpFinal) for (const e of list) lcp = e.startTime;
  });
  function stopLcp(): void {
    lcpFinal = true;
  }
  addEventListener('keydown', stopLcp, { once: true, capture: true });
  addEventListener('pointerdown', stopLcp, { once: true, capture: true });

  let cls = 0;
  let session = 0;
  let sessionStart = 0;
  let sessionLast = 0;
  observe('layout-shift', function (list) {
    for (const e of list as Array<PerformanceEntry & { value: number; hadRecentInput: boolean }>) {
      if (e.hadRecentInput) continue;
      if (session && e.startTime - sessionLast < 1000 && e.startTime - sessionStart < 5000) session += e.value;
      else {
        session = e.value;
        sessionStart = e.startTime;
      }
      sessionLast = e.startTime;
      if (session > cls) cls = session;
    }
  });

  const interactions: { [id: number]: number } = {};
  let count = 0;
  let longest: number[] = [];
  function interaction(e: PerformanceEntry & { interactionId?: number }): void {
    const id = e.interactionId;
    if (!id) return;
    const prev = interactions[id];
    if (prev === undefined) count++;
    if (prev !== undefined && prev >= e.duration) return;
    interactions[id] = e.duration;
    longest = longest.filter(function (d) {
      return d !== prev;
    });
    longest.push(e.duration);
    longest.sort(function (a, b) {
      return b - a;
    });
    longest.length = Math.min(longest.length, 10);
  }
  observe('event', function (list) {
    list.forEach(interaction);
  }, { durationThreshold: 40 });
  observe('first-input', function (list) {
    list.forEach(interaction);
  });

  let vitalsSent = false;
  function vitals(): void {
    if (vitalsSent) return;
    vitalsSent = true;
    if (lcp >= 0) push({ t: 'lcp', p: landing, v: Math.round(lcp) });
    push({ t: 'cls', p: landing, v: Math.round(cls * 10000) / 10000 });
    if (longest.length) push({ t: 'inp', p: landing, v: Math.round(longest[Math.min(Math.floor(count / 50), longest.length - 1)]!) });
  }
  addEventListener('visibilitychange', function () {
    if (document.visibilityState === 'hidden') {
      vitals();
      send();
    }
  });
  addEventListener('pagehide', function () {
    vitals();
    send();
  });
})();
