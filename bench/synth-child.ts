/**
 * One process of the synth-overhead benchmark (started by bench/synth-overhead.ts); prints one JSON line.
 *
 * - `cold <kind> <on|off> <n>`: synthesizes an app of n workflows (one stack each) once, in this fresh process;
 *   reports the CPU time since the process started (node, tsx, module loading and the synth) and the resource types
 *   of one stack.
 * - `marginal <on|off> <small> <large> <reps>`: after one warm-up synth of each kind, `reps` rounds; in each, every
 *   kind (in rotating order) synthesizes an app of `small` and one of `large` workflows; reports the CPU time of
 *   each synth. All kinds run in the same process and the same seconds, so they meet the same machine load.
 *
 * Kinds: `hand`, `handNagClean` (bench/synth-workflows.ts); `library`, the library workflow built from the package
 * as users install it (`dist/`, compiled by jsii without source maps; BENCH_SYNTH_LIBRARY names another entry); and
 * `baseline` when BENCH_SYNTH_BASELINE names the built entry of another version (its `dist/`), for a before/after.
 *
 * CPU time (user + system of this process), not wall time: on a shared machine wall time counts the other processes
 * too. Each app loads cdk.json's context, as `cdk synth` does; `on|off` is aws-cdk-lib's built-in CloudFormation
 * validation.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, AppProps, Stack } from 'aws-cdk-lib';
import { LIBRARY_ENTRY } from './synth-overhead';
import { handWrittenNagCleanWorkflow, handWrittenWorkflow, libraryWorkflowOf } from './synth-workflows';

type Build = (app: App, id: string) => Stack;
const BUILD: Record<string, Build> = {
  hand: handWrittenWorkflow,
  handNagClean: handWrittenNagCleanWorkflow,
  library: libraryWorkflowOf(require(path.resolve(process.env.BENCH_SYNTH_LIBRARY ?? LIBRARY_ENTRY))),
};
if (process.env.BENCH_SYNTH_BASELINE) BUILD.baseline = libraryWorkflowOf(require(path.resolve(process.env.BENCH_SYNTH_BASELINE)));
const context = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'cdk.json'), 'utf8')).context;

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Build and synthesize an app of n workflows of one kind; returns the CPU milliseconds and one stack's resource types. */
function synth(kind: string, n: number, validation: boolean): { ms: number; types: string[] } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-synth-'));
  try {
    const c0 = cpuMs();
    const app = new App({ outdir, context, builtinCloudFormationValidation: validation } as AppProps);
    const stacks: Stack[] = [];
    for (let i = 0; i < n; i++) stacks.push(BUILD[kind](app, `Workflow${i}`));
    const assembly = app.synth();
    const ms = cpuMs() - c0;
    const template = assembly.getStackByName(stacks[0].stackName).template;
    return { ms, types: Object.values<any>(template.Resources).map((r) => r.Type).sort() };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

const kindOf = (s: string): string => {
  if (!(s in BUILD)) throw new Error(`kind must be one of ${Object.keys(BUILD).join(', ')}, got ${s}`);
  return s;
};
const onOff = (s: string): boolean => {
  if (s !== 'on' && s !== 'off') throw new Error(`validation must be on or off, got ${s}`);
  return s === 'on';
};

const [mode, ...args] = process.argv.slice(2);
if (mode === 'cold') {
  const [kind, validation, n] = [kindOf(args[0]), onOff(args[1]), Number(args[2])];
  const { types } = synth(kind, n, validation);
  process.stdout.write(JSON.stringify({ coldMs: cpuMs(), types }) + '\n');
} else if (mode === 'marginal') {
  const [validation, small, large, reps] = [onOff(args[0]), Number(args[1]), Number(args[2]), Number(args[3])];
  const kinds = Object.keys(BUILD);
  for (const k of kinds) synth(k, small, validation); // warm-up: JIT, lazily loaded modules, the validator
  const ms: Record<string, { small: number[]; large: number[] }> = {};
  for (const k of kinds) ms[k] = { small: [], large: [] };
  for (let r = 0; r < reps; r++) {
    // Rotate the order, so no kind always runs first or last.
    for (const k of kinds.map((_, i) => kinds[(i + r) % kinds.length])) {
      ms[k].small.push(synth(k, small, validation).ms);
      ms[k].large.push(synth(k, large, validation).ms);
    }
  }
  process.stdout.write(JSON.stringify(ms) + '\n');
} else {
  throw new Error('usage: synth-child.ts cold <kind> <on|off> <n> | marginal <on|off> <small> <large> <reps>');
}
