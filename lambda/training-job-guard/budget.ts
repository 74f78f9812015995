/**
 * The sweep's time budget and its bounded-concurrency pool.
 *
 * The budget comes from the Lambda context (`getRemainingTimeInMillis()`): no new API call starts once less than
 * the reserve is left, so the calls in flight finish, the summary is written, and the jobs not reached are left to
 * the next sweep (which finds them again: nothing is lost, only postponed). Tests pass a fake remaining-time function.
 */

/** Milliseconds left in the invocation; undefined: no deadline (local runs). */
export type RemainingTime = () => number;

export class TimeBudget {
  private exhaustedAt?: string;

  constructor(private readonly remaining: RemainingTime | undefined, readonly reserveMs: number) {}

  /** Milliseconds left now (Infinity without a deadline). */
  remainingMs(): number {
    return this.remaining ? this.remaining() : Infinity;
  }

  /** True while a new call may start; the first refusal is remembered with the phase that hit it. */
  allows(phase: string): boolean {
    if (this.remainingMs() > this.reserveMs) return true;
    this.exhaustedAt ??= phase;
    return false;
  }

  /** The phase in which the budget ran out, if it did. */
  get exhaustedIn(): string | undefined {
    return this.exhaustedAt;
  }
}

/**
 * Run `work` over `items`, at most `limit` at once, starting an item only while `canStart()` holds. `work` may push
 * items onto `items` (they run after the others). Resolves when every started item has finished, with the items never
 * started (in order). `work` must not throw.
 */
export async function inPool<T>(
  items: T[], limit: number, canStart: () => boolean, work: (item: T) => Promise<void>,
): Promise<T[]> {
  let next = 0;
  let open = true;
  const worker = async (): Promise<void> => {
    while (open && next < items.length) {
      if (!canStart()) {
        open = false;
        return;
      }
      await work(items[next++]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return items.slice(next);
}
