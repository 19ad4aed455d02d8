// Finds series by identity and by label matchers. Postings (label → value → series) answer
// equality matchers without a scan; the rest are tested on the smaller candidate set.

import type { LabelMatcher } from '../../../shared/model.ts';
import { compileMatcher, matchesSeries, type CompiledMatcher } from './matchers.ts';
import type { Series } from './series.ts';

/** A posting list: most (name or label value) → series lists hold one series, so one series is
 * stored bare and a Set only appears for two or more — a Set per series would dominate memory. */
type Posting = Series | Set<Series>;

function addTo<K>(m: Map<K, Posting>, k: K, s: Series): void {
  const p = m.get(k);
  if (p === undefined) m.set(k, s);
  else if (p instanceof Set) p.add(s);
  else if (p !== s) m.set(k, new Set([p, s]));
}

function removeFrom<K>(m: Map<K, Posting>, k: K, s: Series): void {
  const p = m.get(k);
  if (p === s) m.delete(k);
  else if (p instanceof Set) {
    p.delete(s);
    if (p.size === 1) m.set(k, p.values().next().value!);
  }
}

const sizeOf = (p: Posting): number => (p instanceof Set ? p.size : 1);
const listOf = (p: Posting): Iterable<Series> => (p instanceof Set ? p : [p]);

/** The series of several posting lists of one label (disjoint: one value per series). */
function* unionOf(lists: readonly Posting[]): Iterable<Series> {
  for (const p of lists) yield* listOf(p);
}

export class SeriesIndex {
  private readonly byKey = new Map<string, Series>();
  /** Series by id; ids are dense, so an array. */
  private readonly byIdList: Array<Series | undefined> = [];
  private readonly byName = new Map<string, Posting>();
  private readonly postings = new Map<string, Map<string, Posting>>();

  get size(): number {
    return this.byKey.size;
  }

  get(key: string): Series | undefined {
    return this.byKey.get(key);
  }

  byId(id: number): Series | undefined {
    return this.byIdList[id];
  }

  all(): IterableIterator<Series> {
    return this.byKey.values();
  }

  add(s: Series): void {
    this.byKey.set(s.key, s);
    this.byIdList[s.id] = s;
    addTo(this.byName, s.name, s);
    for (const [k, v] of s.labels) {
      let byValue = this.postings.get(k);
      if (!byValue) this.postings.set(k, (byValue = new Map()));
      addTo(byValue, v, s);
    }
  }

  remove(s: Series): void {
    if (this.byKey.get(s.key) !== s) return;
    this.byKey.delete(s.key);
    this.byIdList[s.id] = undefined;
    removeFrom(this.byName, s.name, s);
    for (const [k, v] of s.labels) {
      const byValue = this.postings.get(k);
      if (!byValue) continue;
      removeFrom(byValue, v, s);
      if (byValue.size === 0) this.postings.delete(k);
    }
  }

  /** Every series the matchers select. */
  select(matchers: readonly LabelMatcher[]): Series[] {
    const compiled = matchers.map(compileMatcher);
    return this.selectCompiled(compiled);
  }

  selectCompiled(compiled: readonly CompiledMatcher[]): Series[] {
    // Candidates: the smallest posting list of an equality matcher, or the union of the lists of
    // the label values a regex matches (a `=~"a|b|c"` alternation reads three lists, not every
    // series). The rest of the matchers are then tested on the candidates alone.
    let candidates: Iterable<Series> | null = null;
    let smallest = Infinity;
    for (const m of compiled) {
      if (m.op !== '=' || m.value === '') continue;
      const p = m.name === '__name__' ? this.byName.get(m.value) : this.postings.get(m.name)?.get(m.value);
      if (!p) return [];
      if (sizeOf(p) < smallest) {
        smallest = sizeOf(p);
        candidates = listOf(p);
      }
    }
    for (const m of compiled) {
      // A regex that matches "" also selects series without the label: no posting list has those.
      if (m.op !== '=~' || m.test('')) continue;
      const byValue = m.name === '__name__' ? this.byName : this.postings.get(m.name);
      if (!byValue) return [];
      // Testing every value of a label is only worth it when it has fewer values than candidates.
      if (byValue.size >= smallest) continue;
      const lists: Posting[] = [];
      let size = 0;
      for (const [v, p] of byValue) {
        if (!m.test(v)) continue;
        lists.push(p);
        size += sizeOf(p);
      }
      if (size === 0) return [];
      if (size < smallest) {
        smallest = size;
        candidates = lists.length === 1 ? listOf(lists[0]!) : unionOf(lists);
      }
    }
    const out: Series[] = [];
    for (const s of candidates ?? this.byKey.values()) if (matchesSeries(compiled, s.name, s.labels)) out.push(s);
    return out;
  }

  names(): string[] {
    return [...this.byName.keys()].sort();
  }

  labelNames(): string[] {
    return [...this.postings.keys()].sort();
  }

  labelValues(name: string): string[] {
    if (name === '__name__') return this.names();
    return [...(this.postings.get(name)?.keys() ?? [])].sort();
  }
}
