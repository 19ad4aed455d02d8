import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { issuesToProblems, parseProblem } from '../../src/shared/problems.ts';
import { parseSettings, SettingsError } from '../../src/shared/settings.ts';

describe('problem lines', () => {
  it.each([
    ['boards.3.panels.0.w = 0: Too small: expected number to be >=1', { path: 'boards.3.panels.0.w', message: 'Too small: expected number to be >=1' }],
    ['boards.0.panels.0.queries.0.expr = "sum(rate(x[5m]): y": 1:20: parse error: unexpected end of input', { path: 'boards.0.panels.0.queries.0.expr', message: '1:20: parse error: unexpected end of input' }],
    ['alerts.rules.2.condition = {"type":"threshold","op":"outside"}: an "outside" threshold needs min and max', { path: 'alerts.rules.2.condition', message: 'an "outside" threshold needs min and max' }],
    ['server.token = null: must be set when server.host is 0.0.0.0 (not loopback): clients on the LAN authenticate with it', { path: 'server.token', message: 'must be set when server.host is 0.0.0.0 (not loopback): clients on the LAN authenticate with it' }],
    ['boards.1.extra, other: unknown setting', { path: 'boards.1', message: 'extra, other: unknown setting' }],
    ['store: set on the command line (--set store…)', { path: 'store', message: 'set on the command line (--set store…)' }],
    ['something odd happened', { path: '', message: 'something odd happened' }],
  ])('%s', (line, want) => expect(parseProblem(line)).toEqual(want));

  it('reads back what parseSettings writes, a long value cut short included', () => {
    const long = 'x'.repeat(200);
    try {
      parseSettings({ boards: [{ id: 'a', title: long }] });
      expect.unreachable();
    } catch (e) {
      const p = parseProblem((e as SettingsError).problems[0]!);
      expect(p).toEqual({ path: 'boards.0.title', message: expect.stringMatching(/Too big/) });
    }
  });

  it('issuesToProblems prefixes paths and shows the value', () => {
    const r = z.object({ a: z.number().min(1) }).safeParse({ a: 0 }, { reportInput: true });
    expect(issuesToProblems(r.error!.issues, 'board')).toEqual(['board.a = 0: Too small: expected number to be >=1']);
  });
});
