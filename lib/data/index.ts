/**
 * Typed accessors for the JSON tables in this folder. Each table carries `_source` (and `_license`);
 * code reads the tables only through these functions.
 */
import * as fs from 'fs';
import * as path from 'path';

const loaded = new Map<string, any>();
/** Read a table of this folder once (read from disk so the same code works from .ts and from emitted .js). */
function table(file: string): any {
  let t = loaded.get(file);
  if (!t) {
    t = JSON.parse(fs.readFileSync(path.join(__dirname, file), 'utf8'));
    loaded.set(file, t);
  }
  return t;
}

/** One row of the training-instance table. */
export interface InstanceTypeRow {
  readonly family: string;
  readonly vcpu: number;
  readonly memoryGiB: number;
  readonly accelerator: { readonly kind: string; readonly name: string; readonly count: number } | null;
  readonly inBotocoreGitHead: boolean;
}

/** Every SageMaker training instance type, keyed by API name (`ml.m5.large`). */
export function trainingInstanceTypes(): { readonly [name: string]: InstanceTypeRow } {
  return table('training-instance-types.json').instanceTypes;
}

/** Source line of the training-instance table. */
export function trainingInstanceSource(): string {
  return table('training-instance-types.json')._source.instanceTypeEnum;
}

/** Families EC2 lists as previous generation. */
export function previousGenerationFamilies(): readonly string[] {
  return table('instance-generations.json').previousGenerationFamilies;
}

/** Debugger rule-evaluator image registry accounts per region, and regions without Debugger. */
export function debuggerRuleImages(): {
  readonly repository: string;
  readonly tag: string;
  readonly registries: { readonly [region: string]: string };
  readonly unsupportedRegions: readonly string[];
} {
  const d = table('debugger-rule-images.json');
  return { repository: d.repository, tag: d.tag, registries: d.registries, unsupportedRegions: d.debuggerUnsupportedRegions };
}

/** Built-in Debugger (debug) rules with their default collections, and profiler rules with their code defaults. */
export function debuggerBuiltinRules(): {
  readonly debugRules: { readonly [name: string]: { readonly sdkDefaultCollectionConfigurations: any[] } };
  readonly profilerRules: { readonly [name: string]: { readonly sdkSerializedRuleParameters: { [k: string]: string } } };
} {
  const d = table('debugger-builtin-rules.json');
  return { debugRules: d.allDebugRulesIn_1_0_1, profilerRules: d.profilerRules };
}
