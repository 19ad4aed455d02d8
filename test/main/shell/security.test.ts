// The app:// protocol, the page's CSP, external links, and IPC argument checks.
import { describe, expect, it } from 'vitest';
import { appCsp, resolveAppPath, withCsp } from '../../../src/main/shell/app-protocol.ts';
import { configuredLinks, mayOpenExternally } from '../../../src/main/shell/external-links.ts';
import { checkIpcArgs } from '../../../src/shared/ipc-contract.ts';
import { parseSettings } from '../../../src/shared/settings.ts';

describe('app:// protocol', () => {
  const root = '/opt/radiator/out/renderer';
  it('serves files under the renderer directory with their type', () => {
    expect(resolveAppPath('app://radiator/index.html?screen=lobby', root)).toEqual({ file: `${root}/index.html`, type: 'text/html; charset=utf-8' });
    expect(resolveAppPath('app://radiator/', root)!.file).toBe(`${root}/index.html`);
    expect(resolveAppPath('app://radiator/assets/index-abc.js', root)!.type).toMatch(/javascript/);
  });
  it('never resolves outside it, whatever the dots and escapes', () => {
    for (const u of ['app://radiator/../../etc/passwd.html', 'app://radiator/%2e%2e/%2e%2e/etc/passwd.html', 'app://radiator/..%2f..%2fetc%2fpasswd.js', 'app://radiator/a/..%5c..%5c..%5cx.js']) {
      const hit = resolveAppPath(u, root);
      expect(hit === null || hit.file.startsWith(root + '/'), `${u} → ${hit?.file}`).toBe(true);
    }
  });
  it('refuses other hosts, other schemes and unknown types', () => {
    for (const u of [
      'app://other/index.html',
      'file:///etc/passwd',
      'app://radiator/secret.db',
      'app://radiator/%00.html',
      'not a url',
    ]) {
      expect(resolveAppPath(u, root), u).toBeNull();
    }
  });
  it('lets the page read only its collector, and replaces the browser CSP with it', () => {
    const csp = appCsp('http://127.0.0.1:7070');
    expect(csp).toContain('connect-src http://127.0.0.1:7070 ws://127.0.0.1:7070');
    expect(csp).toContain("script-src 'self'");
    expect(appCsp('https://tv.example:8443')).toContain('connect-src https://tv.example:8443 wss://tv.example:8443');
    const html = '<head>\n<meta http-equiv="Content-Security-Policy" content="default-src \'self\'; connect-src \'self\' ws: wss:" />\n</head>';
    const out = withCsp(html, csp);
    expect(out).toContain('connect-src http://127.0.0.1:7070');
    expect(out).not.toContain('ws: wss:');
  });
});

describe('external links', () => {
  const s = parseSettings({
    alerts: { rules: [{ id: 'r', name: 'R', expr: 'up', condition: { type: 'threshold', op: 'above', threshold: 1 }, runbookUrl: 'https://runbooks.example/r' }] },
    boards: [{ id: 'b', title: 'B', panels: [{ id: 't', type: 'text', x: 0, y: 0, w: 1, h: 1, text: 'See [the wiki](https://wiki.example/oncall) and http://status.example.' }] }],
    playlists: [{ id: 'default', name: 'D', boards: ['b'] }],
  });
  const allowed = configuredLinks(s);
  it('open only http(s) links the user configured', () => {
    expect(mayOpenExternally('https://runbooks.example/r', allowed)).toBe(true);
    expect(mayOpenExternally('https://wiki.example/oncall', allowed)).toBe(true);
    expect(mayOpenExternally('http://status.example', allowed)).toBe(false); // the trailing dot is not part of it…
    expect(mayOpenExternally('http://status.example.', allowed)).toBe(true); // …as written
    expect(mayOpenExternally('https://evil.example/', allowed)).toBe(false);
    expect(mayOpenExternally('file:///etc/passwd', allowed)).toBe(false);
    expect(mayOpenExternally('javascript:alert(1)', allowed)).toBe(false);
  });
});

describe('IPC arguments', () => {
  it('are checked against the contract', () => {
    expect(checkIpcArgs('getInfo', [])).toEqual([]);
    expect(checkIpcArgs('exitKiosk', ['1234'])).toEqual(['1234']);
    expect(checkIpcArgs('exitKiosk', [null])).toEqual([null]);
    expect(() => checkIpcArgs('exitKiosk', [1234])).toThrow(/exitKiosk: bad arguments/);
    expect(() => checkIpcArgs('openExternal', [])).toThrow(/openExternal/);
    expect(() => checkIpcArgs('openExternal', ['x'.repeat(3_000)])).toThrow(/openExternal/);
    expect(() => checkIpcArgs('getInfo', ['extra'])).toThrow(/getInfo/);
  });
});
