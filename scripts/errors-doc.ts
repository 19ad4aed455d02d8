// Renders docs/errors.md from src/shared/errors.ts. `node scripts/errors-doc.ts > docs/errors.md`
import { ERROR_CODES } from '../src/shared/errors.ts';

export function renderErrorsDoc(): string {
  let out = '# Error codes\n\n';
  out += 'Every HTTP error from Radiator is JSON: `{"code": "…", "message": "…", "retryable": false, "limit": 4194304}`\n';
  out += '(`limit` only where a limit was hit). `message` is for people and may change; `code` is stable.\n';
  out += 'A retryable error also carries `Retry-After`.\n\n';
  out += '| code | HTTP | retryable | meaning |\n|---|---|---|---|\n';
  for (const [code, spec] of Object.entries(ERROR_CODES)) out += `| \`${code}\` | ${spec.status} | ${spec.retryable ? 'yes' : 'no'} | ${spec.meaning} |\n`;
  out += '\nThe push port (9091) answers with the Pushgateway\'s status codes (200 for a push, 202 for a delete,\n400 for a refused push); its error bodies use the same JSON.\n';
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) process.stdout.write(renderErrorsDoc());
