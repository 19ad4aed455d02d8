// Finds series by identity and by label matchers. Postings (label → value → series) answer
// equality matchers without a scan; the rest are tested on the smaller candidate set.

import type { LabelMatcher } from '../../../shared/model.ts';
import { compileMatcher, matchesSeries, type CompiledMatcher } from './matchers.ts';
import type { Series } from './series.ts';

export class SeriesIndex {
  private readonly byKey = new Map<string, Series>();
  private readonly byIdMap = new Map<number, Series>();
  private readonly byName = new Map<string, Set<Series>>();
  private readonly postings = new Map<string, Map<string, Set<Series>>>();

  get size(): number {
    return this.byKey.size;
  }

  get(key: string): Series | undefined {
    return this.byKey.get(key);
  }

  byId(id: number): Series | undefined {
    return this.byIdMap.get(id);
  }

  all(): IterableIterator<Series> {
    return this.byKey.values();
  }

  add(s: Series): void {
    this.byKey.set(s.key, s);
    this.byIdMap.set(s.id, s);
    let n = this.byName.get(s.name);
    if (!n) this.byName.set(s.name, (n = new Set()));
    n.add(s);
    for (const [k, v] of s.labels) {
      let byValue = this.postings.get(k);
      if (!byValue) this.postings.set(k, (byValue = new Map()));
      let set = byValue.get(v);
      if (!set) byValue.set(v, (set = new Set()));
      set.add(s);
    }
  }

  remove(s: Series): void {
    if (this.byKey.get(s.key) !== s) return;
    this.byKey.delete(s.key);
    this.byIdMap.delete(s.id);
    const n = this.byName.get(s.name);
    n?.delete(s);
    if (n?.size === 0) this.byName.delete(s.name);
    for (const [k, v] of s.labels) {
      const byValue = this.postings.get(k);
      const set = byValue?.get(v);
      set?.delete(s);
      if (set?.size === 0) byValue!.delete(v);
      if (byValue?.size === 0) this.postings.delete(k);
    }
  }

  /** Every series the matchers select. */
  select(matchers: readonly LabelMatcher[]): Series[] {
    const compiled = matchers.map(compileMatcher);
    return this.selectCompiled(compiled);
  }

  selectCompiled(compiled: readonly CompiledMatcher[]): Series[] {
    let candidates: Iterable<Series> | null = null;
    let smallest = Infinity;
    for (const m of compiled) {
      if (m.op !== '=' || m.value === '') continue;
      const set = m.name === '__name__' ? this.byName.get(m.value) : this.postings.get(m.name)?.get(m.value);
      if (!set) return [];
      if (set.size < smallest) {
        smallest = set.size;
        candidates = set;
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
