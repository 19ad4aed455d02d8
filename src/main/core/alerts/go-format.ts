// Go's fmt verbs for a float64, digit for digit, so an annotation reads as Prometheus renders it:
// `printf "%.2f" $value`, `%.4g` inside humanize, `{{ $value }}` printed as %v, the API's
// `strconv.FormatFloat(v, 'e', -1, 64)`. JavaScript's toFixed/toPrecision round a tie away from
// zero where Go rounds it to even (0.125 → "0.12"), and print exponents their own way, so the
// digits come from the exact decimal value of the double instead. Not a general printf.

/** A float's decimal digits: value = 0.d₁d₂… × 10^dp (no trailing zeros; "" for zero). */
interface Decimal {
  d: string;
  dp: number;
}

/** The exact decimal expansion of a finite |x|. */
function exact(x: number): Decimal {
  if (x === 0) return { d: '', dp: 0 };
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e: number;
  if (biased === 0) e = -1074;
  else {
    mant |= 1n << 52n;
    e = biased - 1075;
  }
  let digits: string;
  let dp: number;
  if (e >= 0) {
    digits = (mant << BigInt(e)).toString();
    dp = digits.length;
  } else {
    digits = (mant * 5n ** BigInt(-e)).toString();
    dp = digits.length + e;
  }
  return trim({ d: digits, dp });
}

function trim(a: Decimal): Decimal {
  let n = a.d.length;
  while (n > 0 && a.d[n - 1] === '0') n--;
  const d = a.d.slice(0, n);
  return d === '' ? { d: '', dp: 0 } : { d, dp: a.dp };
}

/** The shortest digits that read back as x (JavaScript's and Go's shortest agree). */
function shortest(x: number): Decimal {
  if (x === 0) return { d: '', dp: 0 };
  const [m, ex] = Math.abs(x).toExponential().split('e') as [string, string];
  return trim({ d: m.replace('.', ''), dp: Number(ex) + 1 });
}

/** Go's decimal.Round(nd): to nd digits, a tie to even. */
function round(a: Decimal, nd: number): Decimal {
  if (nd < 0) return { d: '', dp: 0 };
  if (nd >= a.d.length) return a;
  const next = a.d.charCodeAt(nd) - 48;
  const up = next === 5 && nd + 1 === a.d.length ? nd > 0 && (a.d.charCodeAt(nd - 1) - 48) % 2 === 1 : next >= 5;
  if (!up) return trim({ d: a.d.slice(0, nd), dp: a.dp });
  let i = nd - 1;
  while (i >= 0 && a.d[i] === '9') i--;
  if (i < 0) return { d: '1', dp: a.dp + 1 };
  return { d: a.d.slice(0, i) + String.fromCharCode(a.d.charCodeAt(i) + 1), dp: a.dp };
}

const digitAt = (a: Decimal, i: number) => (i >= 0 && i < a.d.length ? a.d[i]! : '0');

function fmtE(a: Decimal, prec: number, e: 'e' | 'E'): string {
  let out = a.d === '' ? '0' : a.d[0]!;
  if (prec > 0) {
    out += '.';
    for (let i = 1; i <= prec; i++) out += digitAt(a, i);
  }
  const exp = a.d === '' ? 0 : a.dp - 1;
  const abs = Math.abs(exp);
  return `${out}${e}${exp < 0 ? '-' : '+'}${abs < 10 ? '0' : ''}${abs}`;
}

function fmtF(a: Decimal, prec: number): string {
  let out = '';
  if (a.dp > 0) for (let i = 0; i < a.dp; i++) out += digitAt(a, i);
  else out = '0';
  if (prec > 0) {
    out += '.';
    for (let i = 0; i < prec; i++) out += digitAt(a, a.dp + i);
  }
  return out;
}

/** strconv.FormatFloat(x, verb, prec, 64) for verb e, E, f, g, G (prec −1: the shortest). */
export function formatFloat(x: number, verb: 'e' | 'E' | 'f' | 'g' | 'G', prec: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '+Inf' : '-Inf';
  const neg = x < 0 || Object.is(x, -0);
  const isShortest = prec < 0;
  let a: Decimal;
  if (isShortest) {
    a = shortest(x);
    if (verb === 'e' || verb === 'E') prec = Math.max(a.d.length - 1, 0);
    else if (verb === 'f') prec = Math.max(a.d.length - a.dp, 0);
    else prec = a.d.length;
  } else {
    const ex = exact(x);
    if (verb === 'e' || verb === 'E') a = round(ex, prec + 1);
    else if (verb === 'f') a = round(ex, ex.dp + prec);
    else {
      if (prec === 0) prec = 1;
      a = round(ex, prec);
    }
  }
  const sign = neg ? '-' : '';
  if (verb === 'e' || verb === 'E') return sign + fmtE(a, prec, verb);
  if (verb === 'f') return sign + fmtF(a, prec);
  // %g: %e for a small or large exponent, else %f, without trailing zeros.
  const nd = a.d.length;
  let eprec = prec;
  if (eprec > nd && nd >= a.dp) eprec = nd;
  if (isShortest) eprec = 6;
  const exp = a.dp - 1;
  if (exp < -4 || exp >= eprec) {
    if (prec > nd) prec = nd;
    return sign + fmtE(a, prec - 1, verb === 'G' ? 'E' : 'e');
  }
  if (prec > a.dp) prec = nd;
  return sign + fmtF(a, Math.max(prec - a.dp, 0));
}

/** A value in a Go template: a float64 ($value), an int or a string (a literal), as printf sees it. */
export type GoValue = { kind: 'float'; v: number } | { kind: 'int'; v: number } | { kind: 'string'; v: string };

const goType = (a: GoValue) => (a.kind === 'float' ? 'float64' : a.kind);

/** fmt.Sprint of one value (%v). */
export function sprint(a: GoValue): string {
  if (a.kind === 'string') return a.v;
  if (a.kind === 'int') return String(a.v);
  return formatFloat(a.v, 'g', -1);
}

function pad(s: string, width: number, left: boolean, zero: boolean): string {
  if (s.length >= width) return s;
  if (left) return s + ' '.repeat(width - s.length);
  if (zero && /^[+-]?\d/.test(s)) {
    const sign = /^[+-]/.test(s) ? s[0]! : '';
    return sign + '0'.repeat(width - s.length) + s.slice(sign.length);
  }
  return ' '.repeat(width - s.length) + s;
}

/** fmt.Sprintf for the verbs a template uses on numbers and strings: %v %s %d %f %F %e %E %g %G
 * %q %%, with the flags + - 0 and space, a width and a precision; a wrong type or a missing or
 * extra argument is marked as Go marks it (`%!d(float64=1.5)`, `%!f(MISSING)`). */
export function sprintf(format: string, args: readonly GoValue[]): string {
  let out = '';
  let argi = 0;
  const re = /%([+\- 0#]*)(\d+)?(?:\.(\d*))?([a-zA-Z%])/g;
  let last = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(format))) {
    out += format.slice(last, m.index);
    last = re.lastIndex;
    const [, flags = '', w, p, verb = ''] = m;
    if (verb === '%') {
      out += '%';
      continue;
    }
    const arg = args[argi++];
    if (!arg) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    const prec = p === undefined ? -1 : p === '' ? 0 : Number(p);
    let s: string | null = null;
    if (arg.kind === 'string') {
      if (verb === 's' || verb === 'v') s = prec >= 0 ? [...arg.v].slice(0, prec).join('') : arg.v;
      else if (verb === 'q') s = JSON.stringify(arg.v);
    } else if (arg.kind === 'int') {
      if (verb === 'd' || verb === 'v') s = String(Math.abs(arg.v));
      if (s !== null && arg.v < 0) s = '-' + s;
    } else if ('eEfFgGv'.includes(verb)) {
      const v = (verb === 'F' ? 'f' : verb === 'v' ? 'g' : verb) as 'e' | 'E' | 'f' | 'g' | 'G';
      s = formatFloat(arg.v, v, p === undefined ? ('eEfF'.includes(verb) ? 6 : -1) : prec);
    }
    if (s === null) {
      out += `%!${verb}(${goType(arg)}=${sprint(arg)})`;
      continue;
    }
    if (arg.kind !== 'string' && !/^[+-]|^NaN$/.test(s)) {
      if (flags.includes('+')) s = '+' + s;
      else if (flags.includes(' ')) s = ' ' + s;
    }
    const zero = flags.includes('0') && !flags.includes('-') && !/Inf|NaN/.test(s);
    out += pad(s, w === undefined ? 0 : Number(w), flags.includes('-'), zero);
  }
  out += format.slice(last);
  if (argi < args.length) out += `%!(EXTRA ${args.slice(argi).map((a) => `${goType(a)}=${sprint(a)}`).join(', ')})`;
  return out;
}
