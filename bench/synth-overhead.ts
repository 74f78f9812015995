/**
 * Synth overhead of the library against hand-written aws-cdk-lib (the two workflows of bench/synth-workflows.ts),
 * with aws-cdk-lib's built-in CloudFormation validation on and off, measured in CPU time by bench/synth-child.ts:
 *
 * - marginal cost per workflow: (synth of `large` workflows − synth of `small`) / (large − small), warm, which
 *   leaves out the fixed costs (module loading, the validator's start-up). One process per validation mode runs the
 *   three kinds (hand-written, hand-written with the same cdk-nag acknowledgements, library) in rotating order; the
 *   median of `reps` pairs per kind;
 * - cold: CPU time of a fresh process up to the end of its first synth of `coldN` workflows (what one `cdk synth` of
 *   such an app costs, start-up included); the median of `coldReps` processes per kind, interleaved.
 */
import { execFileSync } from 'child_process';
import * as path from 'path';
import { median } from './cold-start';

export interface SynthOverhead {
  readonly validation: 'on' | 'off';
  readonly handMarginalMs: number;
  readonly handNagCleanMarginalMs: number;
  readonly libraryMarginalMs: number;
  /** library / hand-written, marginal cost per workflow. */
  readonly ratio: number;
  /** library / hand-written with the same cdk-nag acknowledgements. */
  readonly ratioNagClean: number;
  readonly handColdMs: number;
  readonly libraryColdMs: number;
}

const CHILD = path.join(__dirname, 'synth-child.ts');

function child(args: (string | number)[]): any {
  const out = execFileSync(process.execPath, ['--import', 'tsx', CHILD, ...args.map(String)], {
    encoding: 'utf8', env: { ...process.env, CDK_VALIDATION: undefined }, maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(out.trim().split('\n').pop()!);
}

export interface SynthOverheadOptions {
  readonly reps: number;
  readonly small: number;
  readonly large: number;
  readonly coldN: number;
  readonly coldReps: number;
}

export function measureSynthOverhead(o: SynthOverheadOptions): { rows: SynthOverhead[]; resourceTypes: string[] } {
  const { reps, small, large } = o;
  const types: Record<string, string[]> = {};
  const rows = (['on', 'off'] as const).map((validation) => {
    const cold: Record<string, number[]> = { hand: [], library: [] };
    for (let r = 0; r < o.coldReps; r++) {
      for (const kind of r % 2 === 0 ? ['hand', 'library'] : ['library', 'hand']) {
        const c = child(['cold', kind, validation, o.coldN]);
        cold[kind].push(c.coldMs);
        types[kind] = c.types;
      }
    }
    const m = child(['marginal', validation, small, large, reps]);
    const marginal = (k: string) => median(m[k].large.map((l: number, i: number) => (l - m[k].small[i]) / (large - small)));
    const handMarginalMs = marginal('hand');
    const handNagCleanMarginalMs = marginal('handNagClean');
    const libraryMarginalMs = marginal('library');
    return {
      validation, handMarginalMs, handNagCleanMarginalMs, libraryMarginalMs,
      ratio: libraryMarginalMs / handMarginalMs, ratioNagClean: libraryMarginalMs / handNagCleanMarginalMs,
      handColdMs: median(cold.hand), libraryColdMs: median(cold.library),
    };
  });
  if (JSON.stringify(types.hand) !== JSON.stringify(types.library)) {
    throw new Error(`the two workflows differ in resources:\n  hand-written ${types.hand.join(', ')}\n  library      ${types.library.join(', ')}`);
  }
  return { rows, resourceTypes: types.hand };
}
