// Browser telemetry end to end, in Chromium (Debian's, driven by playwright-core): a page on
// another loopback origin carries the one-line tag, throws an error and leaves a rejection
// unhandled, is clicked and left; the counters and Web Vitals summaries are read back with
// PromQL. A page from an origin that is not allowed is refused (403) and counted.
import { existsSync } from 'node:fs';
import http from 'node:http';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS } from '../../../../playwright.config.ts';
import { startTestCore, waitFor, type TestCore } from '../../../helpers/core.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function page(coreUrl: string, title: string): string {
  return `<!doctype html><html><head><title>${title}</title>
<script src="${coreUrl}/client.js" data-release="1.4.2" data-sample="1"></script></head>
<body><h1 style="font-size:48px">${title}: a heading large enough to be the LCP element</h1>
<p id="secret">customer@example.com — page content that must never leave the page</p>
<button id="buy" onclick="var t=performance.now();while(performance.now()-t<120){};this.textContent='Bought'">Buy</button>
<script src="/static/app.js?v=9&amp;token=abc"></script>
<script>setTimeout(function(){ Promise.reject(new Error('payment promise rejected')); }, 10);</script>
</body></html>`;
}

/** A tiny site on its own loopback port: one page (any path) and a script that throws. */
async function site(coreUrl: string, title: string): Promise<{ server: http.Server; origin: string }> {
  const server = http.createServer((req, res) => {
    if (req.url?.startsWith('/static/app.js')) {
      res.writeHead(200, { 'Content-Type': 'text/javascript' });
      return res.end("setTimeout(function(){ throw new Error('cart total is NaN'); }, 5);");
    }
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(page(coreUrl, title));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, origin: `http://127.0.0.1:${(server.address() as { port: number }).port}` };
}

async function query(t: TestCore, expr: string): Promise<Map<string, number>> {
  const r = await fetch(`${t.url}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const body = (await r.json()) as { data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
  const out = new Map<string, number>();
  for (const s of body.data.result) {
    const { __name__, ...rest } = s.metric;
    out.set(Object.keys(rest).sort().map((k) => `${k}=${rest[k]}`).join(','), Number(s.value[1]));
  }
  return out;
}

describe.skipIf(!existsSync(CHROMIUM))('client telemetry in Chromium', () => {
  let t: TestCore;
  let browser: Browser;
  let allowed: Awaited<ReturnType<typeof site>>;
  let other: Awaited<ReturnType<typeof site>>;
  beforeAll(async () => {
    // The core's URL must be known to the pages, and the page's origin to the core: start the
    // core first with a placeholder, then allow the site's origin through the live settings.
    t = await startTestCore({ collector: { flushInterval: 100 } });
    allowed = await site(t.url, 'Shop');
    other = await site(t.url, 'Elsewhere');
    t.core.settingsStore.update('client', { allowedOrigins: [allowed.origin] });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    for (const s of [allowed?.server, other?.server]) {
      s?.closeAllConnections();
      await new Promise((r) => s?.close(r));
    }
    await t?.stop();
  });

  it('errors, rejections, page load and Web Vitals arrive as client metrics by page and release', async () => {
    const ctx = await browser.newContext();
    const p = await ctx.newPage();
    await p.goto(`${allowed.origin}/orders/8812?coupon=SECRET#top`, { waitUntil: 'load' });
    await p.waitForTimeout(100); // the error and the rejection are thrown on timers
    await p.click('#buy');
    await p.waitForTimeout(200);
    // Leaving the page sends what is left (pagehide → sendBeacon).
    await p.goto('about:blank');
    await ctx.close();

    const page = 'page=/orders/:id';
    const errors = await waitFor(async () => {
      const m = await query(t, 'client_js_errors');
      return m.get(`${page},release=1.4.2`) === 2 ? m : null;
    }, 15_000);
    expect([...errors.keys()]).toEqual([`${page},release=1.4.2`]);
    for (const name of ['client_page_load', 'client_ttfb', 'client_lcp', 'client_cls', 'client_inp']) {
      await waitFor(async () => (await query(t, `${name}_count`)).get(page) === 1, 10_000);
      // p75, as web.dev judges Core Web Vitals, besides the usual quantiles.
      expect((await query(t, `${name}{quantile="0.75"}`)).has(`${page},quantile=0.75`)).toBe(true);
    }
    const load = (await query(t, 'client_page_load_sum')).get(page)!;
    expect(load).toBeGreaterThan(0);
    expect(load).toBeLessThan(60); // seconds, not ms
    expect((await query(t, 'client_inp_sum')).get(page)).toBeGreaterThanOrEqual(40); // ms; the click handler blocks 120 ms

    // The last errors are listed (as log lines from source "client"), without query strings or page content.
    const recent = (await (await fetch(`${t.url}/api/v1/logs/recent?source=client`)).json()) as { lines: Array<{ line: string; level: string }> };
    const text = recent.lines.map((l) => l.line).join('\n');
    expect(text).toContain('Error: Uncaught Error: cart total is NaN at ' + allowed.origin + '/static/app.js:1:');
    expect(text).toContain('Unhandled rejection: payment promise rejected');
    expect(text).toContain('(page /orders/:id, release 1.4.2)');
    expect(text).not.toMatch(/token=abc|coupon|SECRET|customer@example\.com/);
    expect(recent.lines.every((l) => l.level === 'ERROR')).toBe(true);
  });

  it('refuses beacons from pages on an origin not on client.allowedOrigins, and counts them', async () => {
    const before = t.core.stats.rejectedCount('client', 'origin_not_allowed');
    const ctx = await browser.newContext();
    const p = await ctx.newPage();
    await p.goto(`${other.origin}/elsewhere/page`, { waitUntil: 'load' });
    await p.waitForTimeout(100);
    await p.goto('about:blank');
    await ctx.close();
    await waitFor(() => t.core.stats.rejectedCount('client', 'origin_not_allowed') > before, 10_000);
    expect((await query(t, 'client_js_errors{page="/elsewhere/page"}')).size).toBe(0);
    // The same from outside a browser: 403 with the coded error.
    const r = await fetch(`${t.url}/api/v1/client`, { method: 'POST', headers: { 'Content-Type': 'text/plain', Origin: other.origin }, body: '{"items":[]}' });
    expect(r.status).toBe(403);
    expect(await r.json()).toMatchObject({ code: 'ORIGIN_NOT_ALLOWED', retryable: false });
  });

  it('serves the script small, cacheable and ES2017', async () => {
    const r = await fetch(`${t.url}/client.js`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(r.headers.get('cache-control')).toBe('public, max-age=86400');
    const body = await r.text();
    expect(Buffer.byteLength(body)).toBeLessThan(5 * 1024);
    const again = await fetch(`${t.url}/client.js`, { headers: { 'If-None-Match': r.headers.get('etag')! } });
    expect(again.status).toBe(304);
  });
});
