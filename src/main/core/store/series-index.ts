// Finds series by identity and by label matchers. Postings (label → value → series) answer
// equality matchers without a scan; the rest are tested on the smaller candidate set.

import { detachString, NO_LABELS, type LabelMatcher, type LabelPairs } from '../../../shared/model.ts';
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
const firstOf = (p: Posting): Series => (p instanceof Set ? p.values().next().value! : p);

/** The pair of `s` named `k` (labels are sorted by name). */
function pairOf(s: Series, k: string): readonly [string, string] | undefined {
  const labels = s.labels;
  let lo = 0;
  let hi = labels.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const name = labels[mid]![0];
    if (name === k) return labels[mid];
    if (name < k) lo = mid + 1;
    else hi = mid - 1;
  }
  return undefined;
}
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

  /** Calls `fn` for every series, by an indexed loop (no iterator result per series: the store's
   * stats walk every series every few seconds). */
  forEach(fn: (s: Series) => void): void {
    const list = this.byIdList;
    for (let i = 0; i < list.length; i++) {
      const s = list[i];
      if (s !== undefined) fn(s);
    }
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
      const lists: Posting[] = [];
      let size = 0;
      if (m.values) {
        // A few plain strings (`x(_total)?`, `a|b`): looked up, not tested against every value.
        for (const v of m.values) {
          const p = byValue.get(v);
          if (!p) continue;
          lists.push(p);
          size += sizeOf(p);
        }
      } else {
        // Testing every value of a label is only worth it when it has fewer values than candidates.
        if (byValue.size >= smallest) continue;
        for (const [v, p] of byValue) {
          if (!m.test(v)) continue;
          lists.push(p);
          size += sizeOf(p);
        }
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

  /** `name` as a new series keeps it: the string of the series already named so, if any;
   * otherwise detached from the text it was parsed from (see detachString). */
  keptName(name: string): string {
    const p = this.byName.get(name);
    return p === undefined ? detachString(name) : firstOf(p).name;
  }

  /** `labels` as a new series keeps them: each pair another series already holds (same name
   * and value) is that series' pair object, and a label name others hold is their string, so a
   * label shared by many series is one pair and one pair of strings, not one per series. The rest
   * is detached from the text it was parsed from (see detachString). Pairs are never changed, so
   * sharing them is safe. */
  keptLabels(labels: LabelPairs): LabelPairs {
    if (labels.length === 0) return NO_LABELS;
    const out: Array<readonly [string, string]> = [];
    for (const pair of labels) {
      const [k, v] = pair;
      const byValue = this.postings.get(k);
      let kept: readonly [string, string] | undefined;
      if (byValue !== undefined) {
        const same = byValue.get(v);
        // Another series with this label: its pair (same value) or its name string (another).
        const holder = same ?? byValue.values().next().value;
        const other = holder === undefined ? undefined : pairOf(firstOf(holder), k);
        if (other !== undefined) kept = same !== undefined ? other : [other[0], detachString(v)];
      }
      out.push(kept ?? [detachString(k), detachString(v)]);
    }
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
