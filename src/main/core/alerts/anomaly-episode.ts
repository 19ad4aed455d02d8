// An "anomaly" rule's judgement of one series, point by point: once per incident, not once per
// point, and without learning the incident as normal. The ensemble reports an anomaly's onset;
// left alone, its detectors would then adapt to the new level (that is their job), so their score
// would let an alert go pending → normal → pending while the latency is still three times what it
// was, and every past incident in the warm-up history would teach them that tripling is usual.
// So, per series:
//
//   - onset: the ensemble's score reaches the rule's threshold with the value outside the band the
//     detectors expected by a hysteresis margin (a change seen only in the pattern, the value
//     inside the band, colours the chart but pages no one), or the value is beyond the band by
//     its half-width again, whatever the score; and the next `confirm` − 1 points stay outside the
//     band by the margin — a single odd point is not an incident and does not even make a rule
//     pending;
//   - the band expected at the onset is kept, and the incident lasts while the value stays
//     outside it, less a hysteresis margin; its points are withheld from the detectors (for at
//     most ANOMALY_MAX_WITHHELD_POINTS, after which a level that stays is learned);
//   - it ends when the value is back inside the band by the margin. A series with no band (no
//     detector that draws one is trusted) goes by the score: the onset and its confirmation score
//     at least the threshold, and the incident ends below threshold × (1 − hysteresis).
// The warm-up history goes through the same steps, so its past incidents are not learned either.

import { Ensemble, type Band, type EnsembleOutput, type Point } from '../analysis/index.ts';
import { ANOMALY_MAX_WITHHELD_POINTS } from '../../../shared/limits.ts';
import type { Judgement } from './condition.ts';

export interface AnomalyCondition {
  threshold: number;
  /** Consecutive points an onset must be seen on before the condition holds. */
  confirm: number;
  /** How far back inside the band (as a share of its half-width) a value must come to end an incident. */
  hysteresis: number;
}

interface Episode {
  band: Band | null;
  since: number;
  seen: number;
  confirmed: boolean;
  withheld: number;
}


const fmt = (v: number) => String(Number(v.toPrecision(3)));
const iso = (t: number) => new Date(t).toISOString();

function outside(v: number, b: Band, shrink: number): boolean {
  const half = Math.max(b.upper - b.center, b.center - b.lower, 0);
  const margin = half * shrink;
  return v > b.upper - margin || v < b.lower + margin;
}

const against = (v: number, b: Band) => `${fmt(v)} against the expected ${fmt(b.lower)}–${fmt(b.upper)}`;

export class AnomalyTracker {
  private readonly ens = new Ensemble();
  private episode: Episode | null = null;
  /** The last point judged (the engine feeds each point once). */
  lastT = -Infinity;

  private readonly c: AnomalyCondition;

  constructor(c: AnomalyCondition) {
    this.c = c;
  }

  /** Judges the next point of the series (in time order). */
  observe(p: Point): Judgement {
    this.lastT = p.t;
    const e = this.episode;
    if (e?.confirmed && e.band) {
      if (outside(p.v, e.band, this.c.hysteresis)) {
        // Still in the incident: keep its points from the detectors, unless it has lasted so long
        // that the new level is the series' normal now.
        if (++e.withheld > ANOMALY_MAX_WITHHELD_POINTS) this.ens.update(p);
        return { holds: true, reason: `${against(p.v, e.band)}, anomalous since ${iso(e.since)}` };
      }
      // Back inside: the incident is over. The point is judged afresh — after a level was learned
      // (a long incident), coming back from it is itself a change.
      this.episode = null;
      const j = this.judge(p, this.ens.update(p));
      return { holds: j.holds, reason: `back to normal: ${against(p.v, e.band)} (${j.reason})` };
    }
    const o = this.ens.update(p);
    return this.judge(p, o);
  }

  private judge(p: Point, o: EnsembleOutput): Judgement {
    const { threshold, confirm, hysteresis } = this.c;
    const raw = o.rawScore ?? o.score;
    const e = this.episode;
    if (o.skipped) {
      this.episode = null;
      return { holds: false, reason: `not judged: ${o.skipped.replace('_', ' ')}` };
    }
    if (e?.confirmed) {
      // An incident with no band: it lasts while the score stays near the threshold.
      if (raw >= threshold * (1 - hysteresis)) return { holds: true, reason: `${o.explanation}, anomalous since ${iso(e.since)}` };
      this.episode = null;
      return { holds: false, reason: `back to normal: ${o.explanation}` };
    }
    if (!e) {
      // An alert is about a value outside what the detectors expected. A change they see only in
      // the pattern, with the value inside the band (KS, ARTime; shape when turned on), colours the
      // chart but does not page anyone; with no band to compare with, the score decides.
      const band = o.expected;
      // The hysteresis works both ways: in only beyond the band by the margin, out only back
      // inside it by the margin, so a value hovering at the band's edge neither starts nor ends one.
      // A value beyond the band by its whole half-width again is an onset whatever the score: the
      // calibration discounts what has happened before, and a latency that tripled for the third
      // time today is still an incident.
      const far = band !== null && outside(p.v, band, -1);
      if (!far && (raw < threshold || (band && !outside(p.v, band, -hysteresis)))) return { holds: false, reason: o.explanation };
      const started: Episode = { band, since: p.t, seen: 1, confirmed: confirm <= 1, withheld: 0 };
      this.episode = started;
      const more = confirm - 1;
      return { holds: started.confirmed, reason: more > 0 ? `${o.explanation} (an onset; ${more} more point${more > 1 ? 's' : ''} to confirm it)` : o.explanation };
    }
    // A candidate onset: confirmed by the next points staying outside the band (or, with no band,
    // scoring as high), or dropped.
    const still = e.band ? outside(p.v, e.band, -hysteresis) : raw >= threshold;
    if (!still) {
      this.episode = null;
      return { holds: false, reason: `${o.explanation} (an onset that did not last)` };
    }
    e.seen++;
    e.confirmed = e.seen >= confirm;
    return { holds: e.confirmed, reason: `${e.band ? against(p.v, e.band) : o.explanation}, anomalous since ${iso(e.since)}` };
  }
}
