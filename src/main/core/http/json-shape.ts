// The shape of a JSON body — how deep it nests and how many values it holds — measured on its
// bytes before JSON.parse builds anything, so a body within the size limit still cannot make us
// build millions of objects, or nest deep enough to overflow the stack of whatever walks it.
// It does not validate: malformed JSON is JSON.parse's to refuse.

export interface JsonShapeLimits {
  maxDepth: number;
  maxNodes: number;
}

export type JsonShapeProblem = { problem: 'too_deep' | 'too_many_nodes'; limit: number };

const QUOTE = 34;
const BACKSLASH = 92;

/** Null when the body is within both limits. Nodes are values and object keys: `{"a":[1,2]}` has
 * five (the object, the key, the array, two numbers). */
export function checkJsonShape(bytes: Uint8Array, limits: JsonShapeLimits): JsonShapeProblem | null {
  let depth = 0;
  let nodes = 0;
  let inScalar = false;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]!;
    if (c === QUOTE) {
      inScalar = false;
      if (++nodes > limits.maxNodes) return { problem: 'too_many_nodes', limit: limits.maxNodes };
      // Skip the string, escapes included.
      for (i++; i < bytes.length; i++) {
        const d = bytes[i]!;
        if (d === BACKSLASH) i++;
        else if (d === QUOTE) break;
      }
      continue;
    }
    switch (c) {
      case 91: // [
      case 123: // {
        inScalar = false;
        if (++depth > limits.maxDepth) return { problem: 'too_deep', limit: limits.maxDepth };
        if (++nodes > limits.maxNodes) return { problem: 'too_many_nodes', limit: limits.maxNodes };
        break;
      case 93: // ]
      case 125: // }
        depth--;
        inScalar = false;
        break;
      case 44: // ,
      case 58: // :
      case 32:
      case 9:
      case 10:
      case 13:
        inScalar = false;
        break;
      default:
        // A number or a literal (true, false, null) starts here, unless one is already running.
        if (!inScalar) {
          inScalar = true;
          if (++nodes > limits.maxNodes) return { problem: 'too_many_nodes', limit: limits.maxNodes };
        }
    }
  }
  return null;
}
