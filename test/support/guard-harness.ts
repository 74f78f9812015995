import { setLogSink } from '../../lambda/training-job-guard/index';
import { FakeAws } from './fake-aws';

/** The loopback fake and the guard's log lines of the running test. */
export interface GuardHarness {
  fake: FakeAws;
  lines: Record<string, any>[];
}

/**
 * For every test of the calling file: a fresh loopback fake and the guard's log lines captured instead of printed;
 * after each test the fake is closed and must have seen no invalid request.
 */
export function guardHarness(): GuardHarness {
  const h = {} as GuardHarness;
  beforeEach(async () => {
    h.fake = await FakeAws.start();
    h.lines = [];
    setLogSink((l) => h.lines.push(l));
  });
  afterEach(async () => {
    setLogSink(undefined);
    await h.fake.close();
    expect(h.fake.problems).toEqual([]);
  });
  return h;
}
