// The depth and node count of a JSON body, measured on its bytes before it is parsed.
import { describe, expect, it } from 'vitest';
import { checkJsonShape } from '../../../../src/main/core/http/json-shape.ts';

const shape = (text: string, maxDepth = 3, maxNodes = 10) => checkJsonShape(Buffer.from(text), { maxDepth, maxNodes });

describe('checkJsonShape', () => {
  it.each([
    ['a scalar', '42', null],
    ['a flat sample', '{"name":"a","value":1}', null],
    ['a sample with labels, at the depth limit', '[{"labels":{"k":"v"}}]', null],
    ['one level too deep', '[[[[1]]]]', { problem: 'too_deep', limit: 3 }],
    ['brackets inside strings do not nest', '["[[[[{{{{", "\\"[[[["]', null],
    ['an escaped backslash before a closing quote', '["a\\\\", [[1]]]', null],
    ['ten nodes: the limit', '[1,2,3,4,5,6,7,8,9]', null],
    ['eleven nodes', '[1,2,3,4,5,6,7,8,9,10]', { problem: 'too_many_nodes', limit: 10 }],
    ['keys count as nodes', '{"a":1,"b":2,"c":3,"d":4,"e":5}', { problem: 'too_many_nodes', limit: 10 }],
    ['literals and negative exponents are one node each', '[true,false,null,-1.5e-3]', null],
  ])('%s', (_what, text, expected) => {
    expect(shape(text)).toEqual(expected);
  });

  it('stops early on a 20,000-deep body without recursing', () => {
    expect(shape('['.repeat(20_000) + ']'.repeat(20_000), 64, 1_000_000)).toEqual({ problem: 'too_deep', limit: 64 });
  });
});
