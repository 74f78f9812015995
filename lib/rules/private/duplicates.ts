import { isKnown } from '../rule';

/** The first name that occurs twice in `names` (names known at synth only), if any: a list item named twice. */
export function firstDuplicate(names: unknown[]): string | undefined {
  const seen = new Set<string>();
  for (const n of names) {
    if (typeof n !== 'string' || !isKnown(n)) continue;
    if (seen.has(n)) return n;
    seen.add(n);
  }
  return undefined;
}
