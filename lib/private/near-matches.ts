/**
 * Near matches for a mistyped SageMaker instance type (`ml.<family>.<size>`): names of the same family first,
 * then by edit distance. Used by TrainingInstance (training types) and SustainableNotebookInstance (notebook types).
 */
export function nearMatches(name: string, names: readonly string[], count = 4): string[] {
  const family = name.replace(/^ml\./, '').split('.')[0];
  const sameFamily = names.filter((n) => n.split('.')[1] === family);
  const ranked = (sameFamily.length > 0 ? sameFamily : names)
    .map((n) => ({ n, d: distance(name, n) }))
    .sort((a, b) => a.d - b.d || a.n.localeCompare(b.n));
  return ranked.slice(0, count).map((r) => r.n);
}

/** Levenshtein distance. */
function distance(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0];
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j];
      dp[j] = Math.min(dp[j] + 1, dp[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length];
}
