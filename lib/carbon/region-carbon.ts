import { Annotations, Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { RegionCarbonRow, regionCarbonTable } from '../data';
import { warn } from '../private/messages';
import { SET_AT_DEPLOY_TIME } from '../private/synth-value';
import { TrainingInstance } from '../training/instance';

/** The carbon intensity of one AWS region's electricity, with its source and vintage. */
export interface RegionCarbonIntensity {
  /** The region code (`eu-north-1`), or `set at deploy time` for an environment-agnostic stack. */
  readonly region: string;
  /** True when the region is in the table. */
  readonly known: boolean;
  /** kgCO2e per kWh (location-based annual average; apply after PUE). Absent when unknown. */
  readonly kgCo2ePerKwh?: number;
  /** Country or grid of the region, as CCF's methodology names it. */
  readonly country?: string;
  /** Where the factor comes from (e.g. `EPA eGRID2020 NERC WECC`), or why it is unknown. */
  readonly source: string;
  /** Link to the source document, where CCF gives one. */
  readonly sourceUrl?: string;
  /** The year of electricity the factor describes, where the source says (eGRID2020: 2020). */
  readonly dataYear?: number;
  /** The table the factor comes from and its date. */
  readonly vintage: string;
}

/** Options of `RegionCarbon.lowest`. */
export interface LowestCarbonOptions {
  /**
   * The training instance type the region must offer. SageMaker publishes no machine-readable list of training
   * instance types per region, so availability is not known for any type: the choice says so.
   * @default - no instance type
   */
  readonly instanceType?: TrainingInstance;
}

/** The lowest-carbon region among candidates. */
export interface RegionChoice {
  /** The lowest-carbon candidate with a known factor; absent when no candidate has one. */
  readonly region?: string;
  /** Its carbon intensity. */
  readonly intensity?: RegionCarbonIntensity;
  /** The candidates with a known factor, lowest first. */
  readonly ranked: RegionCarbonIntensity[];
  /** Candidates whose factor is unknown (left out of the ranking, never averaged). */
  readonly unknownRegions: string[];
  /** Whether the library knows that SageMaker offers the instance type for training in the chosen region. */
  readonly availabilityKnown: boolean;
  /** What the choice does and does not take into account. */
  readonly note: string;
}

/** Shown for values decided at deploy time (the library's one wording). */
export const DEPLOY_TIME = SET_AT_DEPLOY_TIME;

/**
 * Carbon intensity of AWS regions (SML-REGION): Cloud Carbon Footprint's grid factors per region, with source and
 * year (US: EPA eGRID2020; Europe: EEA; elsewhere: carbonfootprint.com's factors for 2021 electricity). A region
 * missing from the table is unknown, never an average.
 */
export class RegionCarbon {
  /** The carbon intensity of `region`; a region missing from the table (or a token) is unknown. */
  public static of(region: string): RegionCarbonIntensity {
    const known = indexed().byRegion.get(region);
    if (known) return known;
    const t = regionCarbonTable();
    const vintage = indexed().vintage;
    if (Token.isUnresolved(region)) {
      return { region: DEPLOY_TIME, known: false, source: 'the region is chosen at deploy time (environment-agnostic stack)', vintage };
    }
    return { region, known: false, source: `not in the table (${Object.keys(t.regions).length} regions; regions launched after 2022 are missing)`, vintage };
  }

  /** Every region in the table, lowest carbon first. */
  public static all(): RegionCarbonIntensity[] {
    return [...indexed().sorted];
  }

  /** The mean factor of the table's regions: the line above which SML-REGION calls a region high-carbon. */
  public static average(): number {
    return indexed().average;
  }

  /** True when the region's factor is known and above `average()`. */
  public static isHighCarbon(region: string): boolean {
    const r = RegionCarbon.of(region);
    return r.known && r.kgCo2ePerKwh! > RegionCarbon.average();
  }

  /**
   * Lower-carbon regions in the same partition: those of the same geography (`eu-`, `ap-`, …) first, then the
   * lowest of the partition, each lowest first.
   */
  public static alternatives(region: string): RegionCarbonIntensity[] {
    const t = regionCarbonTable().regions;
    const row = t[region];
    if (!row) return [];
    const lower = RegionCarbon.all().filter((r) => r.region !== region && t[r.region].partition === row.partition && r.kgCo2ePerKwh! < row.kgCo2ePerKwh);
    const same = lower.filter((r) => t[r.region].geography === row.geography);
    return [...same, ...lower.filter((r) => !same.includes(r))];
  }

  /**
   * The lowest-carbon region among `candidates`. Candidates with an unknown factor are listed, not ranked. When an
   * instance type is given, the choice says whether SageMaker is known to offer it for training there (no public
   * machine-readable source exists, so it never is).
   */
  public static lowest(candidates: string[], options: LowestCarbonOptions = {}): RegionChoice {
    const all = candidates.map((c) => RegionCarbon.of(c));
    const ranked = all.filter((r) => r.known).sort(byFactor);
    const unknownRegions = all.filter((r) => !r.known).map((r) => r.region);
    const best = ranked[0];
    const type = options.instanceType?.name;
    const parts = [
      best ? `${best.region} has the lowest factor of the ${ranked.length} candidate(s) with a known one (${fmtFactor(best)})` : 'no candidate has a known carbon factor',
    ];
    if (unknownRegions.length > 0) parts.push(`unknown, so not ranked: ${unknownRegions.join(', ')}`);
    if (type) {
      parts.push(`whether SageMaker offers ${type} for training in these regions is not known to the library (AWS publishes no machine-readable list); check the '${type} for training job usage' quota in Service Quotas before moving`);
    }
    return { region: best?.region, intensity: best, ranked, unknownRegions, availabilityKnown: false, note: parts.join('; ') };
  }

  /** The region with the highest factor in the table. */
  public static highest(): RegionCarbonIntensity {
    const sorted = indexed().sorted;
    return sorted[sorted.length - 1];
  }

  /** The region with the lowest factor in the table. */
  public static lowestInTable(): RegionCarbonIntensity {
    return indexed().sorted[0];
  }

  private constructor() {}
}

let index: { byRegion: Map<string, RegionCarbonIntensity>; sorted: RegionCarbonIntensity[]; average: number; vintage: string } | undefined;
/** The table as intensities, built once (the report looks regions up for every run). */
function indexed(): NonNullable<typeof index> {
  if (!index) {
    const t = regionCarbonTable();
    const vintage = `CCF table of ${t.tableDate} (${t.source})`;
    const byRegion = new Map(Object.entries(t.regions).map(([r, row]) => [r, Object.freeze(intensity(r, row, vintage))]));
    const sorted = [...byRegion.values()].sort(byFactor);
    index = { byRegion, sorted, average: sorted.reduce((s, r) => s + r.kgCo2ePerKwh!, 0) / sorted.length, vintage };
  }
  return index;
}

function intensity(region: string, row: RegionCarbonRow, vintage: string): RegionCarbonIntensity {
  return {
    region,
    known: true,
    kgCo2ePerKwh: row.kgCo2ePerKwh,
    ...(row.country ? { country: row.country } : {}),
    source: row.source,
    ...(row.sourceUrl ? { sourceUrl: row.sourceUrl } : {}),
    ...(row.dataYear !== null ? { dataYear: row.dataYear } : {}),
    vintage,
  };
}

function byFactor(a: RegionCarbonIntensity, b: RegionCarbonIntensity): number {
  return a.kgCo2ePerKwh! - b.kgCo2ePerKwh! || a.region.localeCompare(b.region);
}

/** `0.322 kgCO2e/kWh (EPA eGRID2020 NERC WECC, 2020 data)`. */
export function fmtFactor(r: RegionCarbonIntensity): string {
  if (!r.known) return `unknown (${r.source})`;
  return `${r.kgCo2ePerKwh} kgCO2e/kWh (${r.source}${r.dataYear ? `, ${r.dataYear} data` : ''})`;
}

const annotated = new WeakSet<Stack>();

/**
 * SML-REGION, once per stack: a high-carbon region warns and names lower-carbon alternatives; an unknown region and
 * an environment-agnostic stack get an info note.
 */
export function checkRegion(scope: IConstruct): void {
  const stack = Stack.of(scope);
  if (annotated.has(stack)) return;
  annotated.add(stack);
  const region = stack.region;
  if (Token.isUnresolved(region)) {
    const lo = RegionCarbon.lowestInTable();
    const hi = RegionCarbon.highest();
    Annotations.of(stack).addInfo(`SML-REGION: this stack is environment-agnostic, so the region decides its footprint at deploy time: from ${lo.kgCo2ePerKwh} kgCO2e/kWh (${lo.region}) to ${hi.kgCo2ePerKwh} (${hi.region}) in CCF's table; set env.region to get that region's figure`);
    return;
  }
  const r = RegionCarbon.of(region);
  if (!r.known) {
    Annotations.of(stack).addInfo(`SML-REGION: the carbon intensity of ${region} is unknown (${r.source}); the footprint report gives its energy (kWh) only`);
    return;
  }
  if (!RegionCarbon.isHighCarbon(region)) return;
  const t = regionCarbonTable().regions;
  const alts = RegionCarbon.alternatives(region);
  const same = alts.filter((a) => t[a.region].geography === t[region].geography).slice(0, 2);
  const lowest = [...alts].sort(byFactor)[0];
  const named = [
    ...same.map((a) => `${a.region} (${a.kgCo2ePerKwh}, same geography)`),
    ...(lowest && !same.includes(lowest) ? [`${lowest.region} (${lowest.kgCo2ePerKwh}, lowest in the partition)`] : []),
  ];
  warn(stack, 'SML-REGION', `region ${region} emits ${fmtFactor(r)}, above the ${RegionCarbon.average().toFixed(3)} average of the ${Object.keys(t).length} regions in CCF's table; lower-carbon regions: ${named.join(', ') || 'none in this partition'}`);
}
