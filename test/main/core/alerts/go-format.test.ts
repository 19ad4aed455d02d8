// Go's float formatting, as Prometheus's templates and API print numbers: exact ties rounded to
// even where JavaScript rounds them up, %g's switch to exponents, Go's exponent spelling, and the
// marks Go's fmt leaves for a wrong verb or a missing argument.
import { describe, expect, it } from 'vitest';
import { formatFloat, sprintf } from '../../../../src/main/core/alerts/go-format.ts';

describe("Go's strconv.FormatFloat", () => {
  it.each([
    // A tie rounds to even in Go (JavaScript's toFixed gives 0.13, 3 and 1235).
    [0.125, 'f', 2, '0.12'],
    [2.5, 'f', 0, '2'],
    [3.5, 'f', 0, '4'],
    [1234.5, 'g', 4, '1234'],
    // Not a tie: 12.345 is a little above it as a double.
    [12.345, 'f', 2, '12.35'],
    [99.99999, 'f', 2, '100.00'],
    [0.0001, 'f', 2, '0.00'],
    [-0.5, 'f', 0, '-0'],
    [1e22, 'f', 1, '10000000000000000000000.0'],
    // %g: shortest digits, %e past an exponent of 6 (or the precision) or below -4.
    [1e6, 'g', -1, '1e+06'],
    [123456, 'g', -1, '123456'],
    [1234567, 'g', -1, '1.234567e+06'],
    [0.0001, 'g', -1, '0.0001'],
    [0.00001, 'g', -1, '1e-05'],
    [1 / 3, 'g', -1, '0.3333333333333333'],
    [12345, 'g', 4, '1.234e+04'],
    [7.340000000000001, 'g', 4, '7.34'],
    [100, 'g', 4, '100'],
    [0, 'g', 4, '0'],
    [0, 'g', -1, '0'],
    // The API's value: 'e' with the shortest digits.
    [1.5, 'e', -1, '1.5e+00'],
    [1, 'e', -1, '1e+00'],
    [100, 'e', -1, '1e+02'],
    [0.000123, 'e', -1, '1.23e-04'],
    [0, 'e', -1, '0e+00'],
    [NaN, 'f', 2, 'NaN'],
    [Infinity, 'g', -1, '+Inf'],
    [-Infinity, 'e', -1, '-Inf'],
  ] as const)('%d as %s (precision %d) is %s', (x, verb, prec, want) => {
    expect(formatFloat(x, verb, prec)).toBe(want);
  });
});

describe("Go's fmt.Sprintf", () => {
  const f = (v: number) => ({ kind: 'float' as const, v });
  it('formats the verbs templates use, with width and flags', () => {
    expect(sprintf('%.2f%%', [f(4.0012)])).toBe('4.00%');
    expect(sprintf('%.0f errors', [f(2.5)])).toBe('2 errors');
    expect(sprintf('%5.1f|%-4s|%05.1f|%+.1f', [f(3.14159), { kind: 'string', v: 'ab' }, f(-2.5), f(1)])).toBe('  3.1|ab  |-02.5|+1.0');
    expect(sprintf('%v %s %d', [f(0.5), { kind: 'string', v: 'x' }, { kind: 'int', v: 7 }])).toBe('0.5 x 7');
    expect(sprintf('%f %e %g', [f(1.5), f(1.5), f(1.5)])).toBe('1.500000 1.500000e+00 1.5');
  });
  it('marks a wrong verb, a missing argument and an extra one as Go does', () => {
    expect(sprintf('%d', [f(1.5)])).toBe('%!d(float64=1.5)');
    expect(sprintf('%f', [{ kind: 'string', v: 'abc' }])).toBe('%!f(string=abc)');
    expect(sprintf('%.2f and %.2f', [f(1)])).toBe('1.00 and %!f(MISSING)');
    expect(sprintf('x', [{ kind: 'int', v: 3 }])).toBe('x%!(EXTRA int=3)');
  });
});
