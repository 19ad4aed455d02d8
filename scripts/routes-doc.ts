// Renders docs/routes.md from the route table (src/main/core/http/routes.ts).
// `node scripts/routes-doc.ts > docs/routes.md`
import { ROUTES } from '../src/main/core/http/routes.ts';

export function renderRoutesDoc(): string {
  let out = '# HTTP routes\n\n';
  out += 'Every route Radiator serves, from the one table in `src/main/core/http/routes.ts` that the access\n';
  out += 'guard and the router read. A method a route does not list answers 405 with `Allow`; an `/api/` path\n';
  out += 'not listed answers 404. Scopes: `read` (look), `ingest` (send data to a receiver), `admin` (change\n';
  out += 'Radiator); loopback and the server token may do all three (docs/settings.md, docs/security.md). The\n';
  out += 'live feed is a WebSocket at `/feed` (read scope, docs/feed.md); the boards and the settings UI are\n';
  out += 'served for every other GET.\n\n';
  out += '| path | method → scope | receiver | port | what |\n|---|---|---|---|---|\n';
  for (const r of ROUTES) {
    const methods = Object.entries(r.methods).map(([m, s]) => `${m} → ${s}`).join(', ');
    const ports = (r.ports ?? ['api']).map((p) => ({ api: '7070', push: '9091', otlp: '4318' })[p]).join(', ');
    out += `| \`${r.path}\` | ${methods} | ${r.receiver ? `\`${r.receiver}\`` : ''} | ${ports} | ${r.summary} |\n`;
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) process.stdout.write(renderRoutesDoc());
