// Page paths as label values: no query or fragment, ids collapsed, bounded.
import { describe, expect, it } from 'vitest';
import { pagePath } from '../../../../src/main/core/client/page-path.ts';
import { MAX_CLIENT_PAGE_CHARS } from '../../../../src/shared/limits.ts';

describe('pagePath', () => {
  it.each([
    ['/orders/8812', '/orders/:id'],
    ['/orders/8812/items/3?coupon=SECRET#top', '/orders/:id/items/:id'],
    ['/u/3f2c1e9a-7b4d-4c1e-9f00-1234567890ab/profile', '/u/:id/profile'],
    ['/blob/5f2b9c0e1d3a4b5c6d7e8f90', '/blob/:id'],
    ['/s/aZ3kP9qL2mN8xR4tY6wB1cD', '/s/:id'],
    ['/products/blue-running-shoes', '/products/blue-running-shoes'],
    ['/v2/api', '/v2/api'],
    ['', '/'],
    ['/', '/'],
    ['https://shop.example.com/cart/42?x=1', '/cart/:id'],
    ['/caf%C3%A9/12', '/caf%C3%A9/:id'],
    ['/bad%E0%A4%A', '/bad%E0%A4%A'],
  ])('%s → %s', (raw, want) => {
    expect(pagePath(raw)).toBe(want);
  });

  it('bounds depth and length', () => {
    expect(pagePath('/a'.repeat(40))).toBe('/a'.repeat(12) + '/…');
    expect(pagePath('/' + 'x'.repeat(500)).length).toBe(MAX_CLIENT_PAGE_CHARS + 1);
  });
});
