import * as fs from 'fs';
import * as path from 'path';
import { SustainabilityRules, TrainingInstance } from '../lib';
import { allRules, rule, RULES, warningId } from '../lib/rules';
import { renderRulesTable } from '../lib/docs/rules-table';

const ROOT = path.join(__dirname, '..');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return /\.(ts|py|sh)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

describe('rule registry', () => {
  test('every rule has an id, title, Well-Architected refs, rationale and fix', () => {
    for (const r of allRules()) {
      expect(r.id).toMatch(/^SML-[A-Z-]+$/);
      expect(r.wellArchitected.length).toBeGreaterThan(0);
      for (const ref of r.wellArchitected) expect(ref).toMatch(/^(MLSUS|SUS)\d\d-BP\d\d$/);
      expect(r.title.length).toBeGreaterThan(10);
      expect(r.rationale.length).toBeGreaterThan(10);
      expect(r.fix.length).toBeGreaterThan(5);
    }
  });

  test('the ids are those committed to in DESIGN.md', () => {
    expect(Object.keys(RULES)).toEqual([
      'SML-ACCEPT', 'SML-BASELINE', 'SML-REUSE', 'SML-START-SMALL', 'SML-SILICON', 'SML-COMPILE', 'SML-SPOT', 'SML-CKPT',
      'SML-MAXRUN', 'SML-GUARD', 'SML-HPO-STRATEGY', 'SML-HPO-PARALLEL', 'SML-HPO-SPACE', 'SML-HPO-EARLYSTOP',
      'SML-HPO-WARMSTART', 'SML-IDLE-NOTEBOOK', 'SML-IDLE-STUDIO', 'SML-MANAGED', 'SML-ARTIFACTS', 'SML-LOGS',
      'SML-REGION', 'SML-MEASURE', 'SML-BUDGET', 'SML-CACHE', 'SML-TIMESHIFT',
    ]);
  });

  test('every rule id the library code cites exists in the registry', () => {
    const cited = new Set<string>();
    for (const f of [...sources(path.join(ROOT, 'lib')), ...sources(path.join(ROOT, 'lambda'))]) {
      for (const m of fs.readFileSync(f, 'utf8').matchAll(/SML-[A-Z][A-Z-]*[A-Z]/g)) cited.add(m[0]);
    }
    expect([...cited].filter((id) => !RULES[id])).toEqual([]);
  });

  test('the README rule table is the one rendered from the registry (run `npm run docs` when this fails)', () => {
    expect(README).toContain(`<!-- rules:start -->\n${renderRulesTable()}\n<!-- rules:end -->`);
  });

  test('warning ids are stable: cdk-sustainable-ml:<rule id>', () => {
    expect(warningId('SML-SPOT')).toBe('cdk-sustainable-ml:SML-SPOT');
  });

  test('the public class serves the same registry', () => {
    expect(SustainabilityRules.all()).toEqual(allRules());
    expect(SustainabilityRules.get('SML-CACHE').wellArchitected).toEqual(['MLSUS06-BP02']);
    expect(SustainabilityRules.warningId('SML-LOGS')).toBe('cdk-sustainable-ml:SML-LOGS');
  });

  test('fails when an unknown rule id is looked up', () => {
    expect(() => rule('SML-NOPE')).toThrow(/Unknown sustainability rule id 'SML-NOPE'/);
  });
});

describe('refusals', () => {
  /** The error a real refusal throws. */
  function refusal(): unknown {
    try {
      TrainingInstance.of('ml.inf2.xlarge');
    } catch (e) {
      return e;
    }
    throw new Error('TrainingInstance.of did not refuse ml.inf2.xlarge');
  }

  test('are Errors whose message starts with the rule id and whose ruleId is readable', () => {
    const e = refusal();
    expect(e).toBeInstanceOf(Error);
    expect((e as Error).message).toMatch(/^SML-SILICON: /);
    expect((e as any).ruleId).toBe('SML-SILICON');
    expect(SustainabilityRules.isSustainabilityError(e)).toBe(true);
    expect(SustainabilityRules.ruleIdOf(e)).toBe('SML-SILICON');
  });

  test('the rule id is read from the message alone, as Python, Java, .NET and Go receive it', () => {
    expect(SustainabilityRules.ruleIdOf((refusal() as Error).message)).toBe('SML-SILICON');
    expect(SustainabilityRules.ruleIdOf('SML-MAXRUN: maxWait 2 hours: is shorter than maxRuntime')).toBe('SML-MAXRUN');
  });

  test('other errors and values are not refusals', () => {
    for (const x of [new Error('boom'), new Error('SML-NOPE: not a rule'), 'SML-NOPE: not a rule', 'SML-SPOT without colon', null, undefined, 42, {}]) {
      expect(SustainabilityRules.isSustainabilityError(x)).toBe(false);
      expect(SustainabilityRules.ruleIdOf(x)).toBeUndefined();
    }
  });

  test('a refusal is recognised across two copies of the library (a marker, not instanceof)', () => {
    const e = refusal();
    const copy = Object.assign(new Error((e as Error).message), { ruleId: 'SML-SILICON' });
    Object.defineProperty(copy, Symbol.for('cdk-sustainable-ml.SustainabilityError'), { value: true });
    expect(SustainabilityRules.isSustainabilityError(copy)).toBe(true);
    expect(SustainabilityRules.ruleIdOf(copy)).toBe('SML-SILICON');
  });
});
