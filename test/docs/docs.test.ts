// The docs that are derived from code stay in step with it.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderErrorsDoc } from '../../scripts/errors-doc.ts';
import { renderRoutesDoc } from '../../scripts/routes-doc.ts';

describe('docs', () => {
  it('docs/errors.md lists every error code as src/shared/errors.ts defines it (regenerate with node scripts/errors-doc.ts)', () => {
    expect(readFileSync('docs/errors.md', 'utf8')).toBe(renderErrorsDoc());
  });

  it('docs/routes.md lists every route as the route table defines it (regenerate with node scripts/routes-doc.ts)', () => {
    expect(readFileSync('docs/routes.md', 'utf8')).toBe(renderRoutesDoc());
  });
});
