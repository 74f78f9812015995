/**
 * The idle checker that NotebookIdleShutdown synthesizes, run for real: Debian's Jupyter server on 127.0.0.1 with
 * a token, real kernels and terminals, a loopback fake of the SageMaker API, and a temp metadata file. The script
 * under test is the one extracted from the synthesized template's base64 `Content`, not the asset file. The token
 * reaches the checker either as `--token` or, as on an instance, from the server's own runtime file
 * (`jpserver-<pid>.json`) found through `--runtime-dir`. The CPU signal is tested against a second server run as
 * `nobody` (standing in for ec2-user), with real processes in its terminals and kernels.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import { extractIdleChecker, NotebookIdleShutdown } from '../../lib/idle/notebook-idle-shutdown';
import { newTestStack } from '../support/app';
import { FakeSageMaker } from '../support/fake-sagemaker';
import { freePort, jupyterAvailable, JupyterServer, NOBODY, run, sleep, SYSTEM_PYTHON } from '../support/jupyter';
import { OnStartSandbox } from '../support/on-start-sandbox';

// real servers, kernels and processes: generous on a loaded 2-core machine (a test that times out keeps running
// in the background and would call the fake SageMaker during the next one)
jest.setTimeout(240_000);

const INSTANCE = 'nb-idle-test';
const REGION = 'eu-west-1';

let jupyter: JupyterServer;
let sagemaker: FakeSageMaker;
let tmp: string;
let onStartScript: string;
let checkerPath: string;
let stateDir: string;
let metadataFile: string;
/** One kernel shared by the kernel cases (a kernel takes ~2 s to boot); never deleted by the per-test reset. */
let kernelId: string | undefined;

/** Environment of a notebook instance's cron job, with dummy credentials and a non-UTC time zone. */
function checkerEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PATH: '/sbin:/bin:/usr/sbin:/usr/bin',
    HOME: tmp,
    LANG: 'C.UTF-8',
    TZ: 'America/Los_Angeles',
    AWS_ACCESS_KEY_ID: 'AKIDTEST',
    AWS_SECRET_ACCESS_KEY: 'secret',
    AWS_CONFIG_FILE: path.join(tmp, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(tmp, 'no-aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    ...extra,
  };
}

interface CheckResult {
  readonly line: string;
  readonly decision: string;
  readonly fields: Record<string, string>;
}

/** Run the synthesized checker once; returns its (single) log line. */
async function check(
  args: string[] = [],
  options: { threshold?: number; now?: number; jupyterUrl?: string; token?: string | null; runtimeDirs?: string[] } = {},
): Promise<CheckResult> {
  const token = options.token === undefined ? jupyter.token : options.token;
  const argv = [
    checkerPath,
    '--threshold-seconds', String(options.threshold ?? 2),
    '--jupyter-url', options.jupyterUrl ?? jupyter.url,
    ...(token !== null ? ['--token', token] : []),
    ...(options.runtimeDirs ?? []).flatMap((d) => ['--runtime-dir', d]),
    '--state-dir', stateDir,
    '--metadata-file', metadataFile,
    '--endpoint-url', sagemaker.url,
    ...(options.now !== undefined ? ['--now', String(options.now)] : []),
    ...args,
  ];
  const { stdout, stderr } = await run(SYSTEM_PYTHON, argv, { env: checkerEnv() });
  const lines = stdout.trim().split('\n');
  expect(stderr).toBe('');
  expect(lines).toHaveLength(1);
  const line = lines[0];
  const fields = Object.fromEntries(line.split(' ').slice(2).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
  expect(line).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ sml-idle-check decision=/);
  return { line, decision: fields.decision, fields };
}

/** Record the instance start (what the on-start script does), optionally at a given time. */
async function init(now?: number, args: string[] = []): Promise<void> {
  const { decision } = await check(['--init', ...args], { now });
  expect(decision).toBe('init');
}

const nowSeconds = (): number => Date.now() / 1000;
const stops = (): number => sagemaker.callsOf('StopNotebookInstance').length;

beforeAll(async () => {
  if (!jupyterAvailable()) {
    throw new Error('Debian packages missing: apt-get install -y --no-install-recommends python3-jupyter-server python3-ipykernel python3-boto3');
  }
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sml-idle-'));
  // the script exactly as synthesized: base64 Content of the template -> on-start script -> embedded checker
  const stack = newTestStack();
  new NotebookIdleShutdown(stack, 'Idle');
  const [lc] = Object.values(Template.fromStack(stack).findResources('AWS::SageMaker::NotebookInstanceLifecycleConfig')) as any[];
  onStartScript = Buffer.from(lc.Properties.OnStart[0].Content, 'base64').toString('utf8');
  checkerPath = path.join(tmp, 'idle_check.py');
  fs.writeFileSync(checkerPath, extractIdleChecker(onStartScript));
  [jupyter, sagemaker] = await Promise.all([JupyterServer.start(), FakeSageMaker.start()]);
});

afterAll(async () => {
  await Promise.all([jupyter?.stop(), sagemaker?.close()]);
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

beforeEach(async () => {
  await jupyter.reset(kernelId ? [kernelId] : []);
  sagemaker.reset();
  const dir = fs.mkdtempSync(path.join(tmp, 'case-'));
  stateDir = path.join(dir, 'state');
  metadataFile = path.join(dir, 'resource-metadata.json');
  fs.writeFileSync(metadataFile, JSON.stringify({
    ResourceArn: `arn:aws:sagemaker:${REGION}:123456789012:notebook-instance/${INSTANCE}`,
    ResourceName: INSTANCE,
  }));
});

describe('synthesized idle checker against a real Jupyter server: kernels', () => {
  beforeAll(async () => {
    kernelId = (await jupyter.createKernel()).id;
    await jupyter.makeReady(kernelId!);
  });

  afterAll(async () => {
    const id = kernelId;
    kernelId = undefined;
    if (id) await jupyter.api('DELETE', `/api/kernels/${id}`);
  });

  test('idle past the threshold: exactly one StopNotebookInstance for this instance', async () => {
    await jupyter.createSession('analysis.ipynb', kernelId);
    await init();
    const early = await check([], { threshold: 1 });
    expect(early.decision).toBe('keep');
    expect(early.fields).toMatchObject({ reason: 'recent-activity', kernels: '1' });
    await sleep(1100);
    const late = await check([], { threshold: 1 });
    expect(late.decision).toBe('stop');
    expect(late.fields).toMatchObject({ instance: INSTANCE, kernels: '1', terminals: '0', threshold: '1' });
    expect(sagemaker.calls).toHaveLength(1);
    const [call] = sagemaker.calls;
    expect(call.operation).toBe('StopNotebookInstance');
    expect(call.body).toEqual({ NotebookInstanceName: INSTANCE });
    expect(call.headers['x-amz-target']).toBe('SageMaker.StopNotebookInstance');
    expect(call.headers.authorization).toContain(`/${REGION}/sagemaker/aws4_request`);
  });

  test('kernel with an open connection counts as active unless --ignore-connections', async () => {
    await jupyter.connect(kernelId!);
    await init(nowSeconds() - 7200);
    const connected = await check([], { now: nowSeconds() + 3600 });
    expect(connected.decision).toBe('keep');
    expect(connected.fields.reason).toBe('connected-kernel');
    expect(stops()).toBe(0);
    const ignoring = await check(['--ignore-connections'], { now: nowSeconds() + 3600 });
    expect(ignoring.decision).toBe('stop');
    expect(stops()).toBe(1);
  });

  test('busy kernel: no stop, however old its last activity', async () => {
    await jupyter.makeBusy(kernelId!);
    try {
      await init(nowSeconds() - 7200);
      const result = await check([], { now: nowSeconds() + 3600 });
      expect(result.decision).toBe('keep');
      expect(result.fields).toMatchObject({ reason: 'busy-kernel', kernels: '1' });
      expect(stops()).toBe(0);
    } finally {
      await jupyter.interrupt(kernelId!);
    }
    // the same kernel once idle again, past the threshold: stop
    expect((await check([], { now: nowSeconds() + 3600 })).decision).toBe('stop');
    expect(stops()).toBe(1);
  });
});

describe('synthesized idle checker against a real Jupyter server: terminals, clock, failures', () => {
  test('open terminal with recent activity: no stop; the same terminal idle past the threshold: stop', async () => {
    await jupyter.createTerminal();
    await init(nowSeconds() - 7200);
    const active = await check([], { threshold: 600 });
    expect(active.decision).toBe('keep');
    expect(active.fields).toMatchObject({ reason: 'recent-activity', kernels: '0', terminals: '1' });
    expect(stops()).toBe(0);
    const idle = await check([], { threshold: 600, now: nowSeconds() + 700 });
    expect(idle.decision).toBe('stop');
    expect(stops()).toBe(1);
  });

  test('no kernels or terminals: idle from the last activity it saw, even after the terminal is gone', async () => {
    const terminal = await jupyter.createTerminal();
    const activity = Date.parse(terminal.last_activity) / 1000;
    await init(activity - 7200);
    expect((await check([], { threshold: 600, now: activity + 1 })).decision).toBe('keep');
    await jupyter.reset();
    const remembered = await check([], { threshold: 600, now: activity + 599 });
    expect(remembered.decision).toBe('keep');
    expect(remembered.fields).toMatchObject({ kernels: '0', terminals: '0' });
    expect((await check([], { threshold: 600, now: activity + 601 })).decision).toBe('stop');
    expect(stops()).toBe(1);
  });

  test('threshold edge: no kernels, just under the threshold keeps, just over stops', async () => {
    const t0 = nowSeconds() - 10_000;
    await init(t0);
    const under = await check([], { threshold: 600, now: t0 + 599.5 });
    expect(under.decision).toBe('keep');
    expect(under.fields).toMatchObject({ reason: 'recent-activity', kernels: '0', terminals: '0', idle_for: '599' });
    expect(stops()).toBe(0);
    const over = await check([], { threshold: 600, now: t0 + 600.5 });
    expect(over.decision).toBe('stop');
    expect(stops()).toBe(1);
  });

  test('repeated runs after a stop: no second stop; a new start (init) re-arms it', async () => {
    const t0 = nowSeconds() - 100;
    await init(t0);
    expect((await check([], { now: t0 + 10 })).decision).toBe('stop');
    for (let i = 0; i < 3; i++) {
      const again = await check([], { now: t0 + 20 + i });
      expect(again.decision).toBe('skip');
      expect(again.fields.reason).toBe('stop-already-requested');
    }
    expect(stops()).toBe(1);
    await init(t0 + 50);
    expect((await check([], { now: t0 + 60 })).decision).toBe('stop');
    expect(stops()).toBe(2);
  });

  test('Jupyter down: no stop (fails safe)', async () => {
    await init(nowSeconds() - 7200);
    const down = await check([], { jupyterUrl: `http://127.0.0.1:${await freePort()}` });
    expect(down.decision).toBe('keep');
    expect(down.fields.reason).toBe('jupyter-unreadable');
    expect(down.fields.error).toMatch(/URLError.*Connection_refused/);
    expect(stops()).toBe(0);
  });

  test('Jupyter refusing the token: no stop (fails safe); a --token given wins over the runtime file', async () => {
    await init(nowSeconds() - 7200);
    const refused = await check([], { token: 'wrong-token', runtimeDirs: [jupyter.runtimeDir] });
    expect(refused.decision).toBe('keep');
    expect(refused.fields).toMatchObject({ reason: 'jupyter-unreadable', auth: 'argument' });
    expect(refused.fields.error).toMatch(/HTTPError.*403/);
    expect(stops()).toBe(0);
  });

  test('the checker has no defaults of its own: threshold, Jupyter URL, state dir and metadata file are required', async () => {
    const full: Record<string, string> = {
      '--threshold-seconds': '2', '--jupyter-url': jupyter.url, '--state-dir': stateDir, '--metadata-file': metadataFile,
    };
    for (const missing of Object.keys(full)) {
      const argv = [checkerPath, ...Object.entries(full).filter(([k]) => k !== missing).flat(), '--token', jupyter.token, '--endpoint-url', sagemaker.url];
      await expect(run(SYSTEM_PYTHON, argv, { env: checkerEnv() })).rejects.toMatchObject({
        code: 2, stdout: '', stderr: expect.stringContaining(`the following arguments are required: ${missing}`),
      });
    }
    expect(sagemaker.calls).toHaveLength(0);
  });

  test('a failed StopNotebookInstance leaves no marker: the next run tries again', async () => {
    sagemaker.failWith('StopNotebookInstance', 400, 'ValidationException', 'Status (Pending) not in ([InService])');
    const t0 = nowSeconds() - 100;
    await init(t0);
    const failed = await check([], { now: t0 + 10 });
    expect(failed.decision).toBe('stop-failed');
    expect(failed.fields.error).toMatch(/ValidationException/);
    sagemaker.reset();
    expect((await check([], { now: t0 + 20 })).decision).toBe('stop');
    expect(stops()).toBe(1);
  });

  test('no instance name in the metadata file: no stop', async () => {
    fs.writeFileSync(metadataFile, '{}');
    const t0 = nowSeconds() - 100;
    await init(t0);
    const result = await check([], { now: t0 + 10 });
    expect(result.decision).toBe('error');
    expect(result.fields.reason).toBe('no-instance-name');
    expect(sagemaker.calls).toHaveLength(0);
  });
});

describe('synthesized idle checker against a real Jupyter server: the token comes from the server', () => {
  /** The server's runtime file, as jupyter_server writes it: jpserver-<pid>.json with port, url and token. */
  function runtimeFile(server: JupyterServer): string {
    const files = fs.readdirSync(server.runtimeDir).filter((n) => /^jpserver-\d+\.json$/.test(n));
    expect(files).toHaveLength(1);
    return path.join(server.runtimeDir, files[0]);
  }

  test('no --token: the checker reads it from the running server\'s jpserver-<pid>.json in --runtime-dir', async () => {
    const info = JSON.parse(fs.readFileSync(runtimeFile(jupyter), 'utf8'));
    expect(info).toMatchObject({ port: jupyter.port, token: jupyter.token, url: `${jupyter.url}/` }); // the server has a token
    await jupyter.createTerminal();
    await init(nowSeconds() - 7200);
    const active = await check([], { token: null, runtimeDirs: [jupyter.runtimeDir], threshold: 600 });
    expect(active.fields).toMatchObject({ decision: 'keep', reason: 'recent-activity', kernels: '0', terminals: '1' });
    const idle = await check([], { token: null, runtimeDirs: [jupyter.runtimeDir], threshold: 600, now: nowSeconds() + 700 });
    expect(idle.decision).toBe('stop');
    expect(stops()).toBe(1);
  });

  test('no --token and no runtime file: the checker calls without a token; a server with one refuses (no stop)', async () => {
    await init(nowSeconds() - 7200);
    const refused = await check([], { token: null });
    expect(refused.fields).toMatchObject({ decision: 'keep', reason: 'jupyter-unreadable', auth: 'none' });
    expect(refused.fields.error).toMatch(/HTTPError.*403/);
    expect(stops()).toBe(0);
  });

  test('runtime files of dead servers or of other ports are ignored; the live server\'s file is used', async () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'runtime-'));
    const own = runtimeFile(jupyter);
    const real = JSON.parse(fs.readFileSync(own, 'utf8'));
    const stale = path.join(dir, 'jpserver-99999999.json');
    fs.writeFileSync(stale, JSON.stringify({ ...real, pid: 99999999, token: 'stale-token' })); // same port, process gone
    const otherPort = jupyter.port + 1;
    fs.writeFileSync(path.join(dir, `nbserver-${process.pid}.json`), JSON.stringify({ // a live process, another port
      ...real, pid: process.pid, port: otherPort, url: `http://127.0.0.1:${otherPort}/`, token: 'other-token',
    }));
    await init(nowSeconds() - 7200);
    const ignored = await check([], { token: null, runtimeDirs: [dir] });
    expect(ignored.fields).toMatchObject({ decision: 'keep', reason: 'jupyter-unreadable', auth: 'none' });
    fs.copyFileSync(own, path.join(dir, path.basename(own)));
    const later = new Date(Date.now() + 60_000);
    fs.utimesSync(stale, later, later); // the stale file is the newest: age alone would pick it
    const found = await check([], { token: null, runtimeDirs: [dir], now: nowSeconds() + 3600 });
    expect(found.decision).toBe('stop');
    expect(stops()).toBe(1);
  });

  test('a server without a token, as SageMaker runs it: the runtime file says so and the checker calls without one', async () => {
    const open = await JupyterServer.start({ token: '' });
    try {
      expect(JSON.parse(fs.readFileSync(runtimeFile(open), 'utf8'))).toMatchObject({ port: open.port, token: '' });
      const t0 = nowSeconds();
      await init(t0);
      const read = await check([], { token: null, runtimeDirs: [open.runtimeDir], jupyterUrl: open.url, threshold: 600 });
      expect(read.fields).toMatchObject({ decision: 'keep', reason: 'recent-activity', kernels: '0', terminals: '0' });
      const idle = await check([], { token: null, runtimeDirs: [open.runtimeDir], jupyterUrl: open.url, threshold: 600, now: t0 + 700 });
      expect(idle.decision).toBe('stop');
      expect(stops()).toBe(1);
    } finally {
      await open.stop();
    }
  });
});

describe('synthesized on-start script with a real Jupyter server', () => {
  let sb: OnStartSandbox;

  /** A lifecycle script's environment (the sandbox sets PATH), pointed at the test server. */
  function startEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    return checkerEnv({
      // any network use other than loopback would go to a dead proxy
      http_proxy: 'http://127.0.0.1:9', https_proxy: 'http://127.0.0.1:9', HTTP_PROXY: 'http://127.0.0.1:9', HTTPS_PROXY: 'http://127.0.0.1:9',
      no_proxy: '127.0.0.1', NO_PROXY: '127.0.0.1',
      SML_IDLE_METADATA_FILE: metadataFile,
      SML_IDLE_PYTHON: SYSTEM_PYTHON,
      SML_IDLE_JUPYTER_URL: jupyter.url,
      // no token is passed: the checker finds it in the server's runtime dir, as on an instance
      SML_IDLE_JUPYTER_RUNTIME_DIR: jupyter.runtimeDir,
      ...extra,
    });
  }

  beforeEach(() => {
    sb = new OnStartSandbox(tmp, onStartScript);
  });

  afterEach(async () => {
    await sb.close();
  });

  test('returns within seconds, offline; the check every scheduler runs reads the real server', async () => {
    sb.systemd('running');
    await sb.cron('absent');
    const result = await sb.run(startEnv());
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    expect(result.ms).toBeLessThan(60_000); // the limit is 5 minutes; measured ~1 s
    expect(fs.readFileSync(path.join(sb.dir, 'idle_check.py'), 'utf8')).toBe(extractIdleChecker(onStartScript));
    const check = fs.readFileSync(sb.check, 'utf8');
    expect(check).toBe(`#!/bin/bash\nexec ${SYSTEM_PYTHON} ${sb.dir}/idle_check.py --threshold-seconds 3600 --jupyter-url ${jupyter.url} `
      + `--runtime-dir ${jupyter.runtimeDir} --state-dir ${sb.dir}/state --metadata-file ${metadataFile} --ignore-connections `
      + `--cpu-threshold 10 --cpu-user ec2-user >> ${sb.log} 2>&1\n`);
    expect(check).not.toContain(jupyter.token);
    const log = () => fs.readFileSync(sb.log, 'utf8');
    expect(log()).toMatch(/sml-idle-check decision=init start=\d+ threshold=3600\n/);
    expect(log()).toMatch(/sml-idle-install systemd every 300s threshold=3600s cpu=10% python=\/usr\/bin\/python3\n$/);
    // run the check as the systemd service (or cron, or the loop) would; ec2-user does not exist on this machine
    await run(sb.check, [], { env: { PATH: '/usr/bin:/bin', ...checkerEnv() } });
    expect(log()).toMatch(/sml-idle-check decision=keep reason=recent-activity kernels=0 terminals=0 cpu=no-user idle_for=\d+ threshold=3600\n$/);
    expect(stops()).toBe(0);
  });

  test('without systemd or cron: the background loop stops the idle instance once, end to end', async () => {
    sb.systemd('absent');
    await sb.cron('absent');
    const result = await sb.run(startEnv({
      SML_IDLE_INTERVAL_SECONDS: '1',
      SML_IDLE_THRESHOLD_SECONDS: '1',
      SML_IDLE_ENDPOINT_URL: sagemaker.url,
    }));
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    expect((await sb.schedulers())).toMatchObject({ timers: [], cronLines: [], loops: [expect.any(Number)] });
    const log = () => fs.readFileSync(sb.log, 'utf8');
    await jupyter.waitFor(async () => stops() === 1, 60_000);
    // let the loop run again: it must not stop a second time
    await jupyter.waitFor(async () => /reason=stop-already-requested/.test(log()), 60_000);
    expect(stops()).toBe(1);
    expect(sagemaker.calls[0].body).toEqual({ NotebookInstanceName: INSTANCE });
    expect(log()).toMatch(/sml-idle-install loop every 1s threshold=1s cpu=10% python=\/usr\/bin\/python3\n/);
  });
});

describe('CPU signal against a real Jupyter server run as another user (nobody stands in for ec2-user)', () => {
  const CPU = ['--cpu-threshold', '5', '--cpu-user', 'nobody'];
  let server: JupyterServer;

  /** Run the checker against the nobody server (its token comes from its runtime file, as on an instance). */
  function checkServer(args: string[], options: { now?: number; threshold?: number } = {}): Promise<CheckResult> {
    return check(args, { ...options, jupyterUrl: server.url, token: null, runtimeDirs: [server.runtimeDir] });
  }

  /** Processes of nobody whose command line contains `marker` (the ones these tests start). */
  function processes(marker: string): number[] {
    return fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
      try {
        return fs.statSync(`/proc/${p}`).uid === NOBODY.uid && fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(marker);
      } catch {
        return false; // gone
      }
    }).map(Number);
  }

  /** Start a command in a new terminal, silently, and wait until its process runs. */
  async function inTerminal(command: string, marker: string): Promise<void> {
    const terminal = await server.createTerminal();
    await server.typeInTerminal(terminal.name, command, marker);
    await server.waitFor(async () => processes(marker).length > 0, 30_000);
  }

  /** Record the start (and the CPU baseline), let `ms` of real time pass, then check an hour later on the clock. */
  async function measure(args: string[], ms = 3000): Promise<CheckResult> {
    await init(nowSeconds() - 7200, args);
    await sleep(ms);
    return checkServer(args, { now: nowSeconds() + 3600, threshold: 600 });
  }

  beforeAll(async () => {
    server = await JupyterServer.start({ user: NOBODY });
  });

  afterAll(async () => {
    await server?.stop();
  });

  afterEach(async () => {
    await server.reset();
    for (const pid of processes('sml-test-')) {
      try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
    }
  });

  test('a silent CPU-busy command in a terminal keeps the instance up; without the CPU signal it stops', async () => {
    await inTerminal(`${SYSTEM_PYTHON} -c 'while True: pass' sml-test-busy`, 'sml-test-busy');
    const busy = await measure(CPU);
    expect(busy.fields).toMatchObject({ decision: 'keep', reason: 'cpu-busy', kernels: '0', terminals: '1', idle_for: '0' });
    expect(Number(busy.fields.cpu)).toBeGreaterThanOrEqual(5);
    expect(stops()).toBe(0);
    // the same instance, Jupyter alone: the terminal has been silent for an hour
    const jupyterOnly = await measure([]);
    expect(jupyterOnly.fields).toMatchObject({ decision: 'stop', terminals: '1' });
    expect(jupyterOnly.fields.cpu).toBeUndefined();
    expect(stops()).toBe(1);
  });

  test('a silent command that uses no CPU (sleep 1000 in a terminal) does not keep the instance up', async () => {
    await inTerminal('sleep 1000.0917', '1000.0917');
    const idle = await measure(CPU);
    expect(idle.fields).toMatchObject({ decision: 'stop', terminals: '1' });
    expect(Number(idle.fields.cpu)).toBeLessThan(5);
    expect(stops()).toBe(1);
    await server.reset(); // ends the terminal and its sleep
  });

  test('short commands in a loop count through the shell that waited for them', async () => {
    // each python lives well under a second: the CPU shows up in the shell's time for its reaped children
    await inTerminal(`while :; do ${SYSTEM_PYTHON} -c 'for i in range(3 * 10**6): pass' sml-test-loop; done`, 'sml-test-loop');
    const busy = await measure(CPU);
    expect(busy.fields).toMatchObject({ decision: 'keep', reason: 'cpu-busy' });
  });

  test('an idle kernel\'s own CPU does not count (Jupyter reports on kernels); a process it started does', async () => {
    const kernel = await server.createKernel();
    await server.execute(kernel.id, [
      'import threading',
      'def spin():',
      '    while True: pass',
      'threading.Thread(target=spin, daemon=True).start()',
    ].join('\n'));
    const spinning = await measure(CPU);
    expect(spinning.fields).toMatchObject({ decision: 'stop', kernels: '1' });
    expect(Number(spinning.fields.cpu)).toBeLessThan(5);
    expect(stops()).toBe(1);
    await server.execute(kernel.id, `import subprocess, sys; subprocess.Popen([sys.executable, '-c', 'while True: pass', 'sml-test-child'])`);
    await server.waitFor(async () => processes('sml-test-child').length > 0, 30_000);
    const child = await measure(CPU);
    expect(child.fields).toMatchObject({ decision: 'keep', reason: 'cpu-busy', kernels: '1' });
    expect(stops()).toBe(1);
  });

  test('CPU accounting: a process reaped by a parent still running counts once; a reused pid counts as a new process', async () => {
    const script = [
      'import importlib.util, json, os, sys',
      "spec = importlib.util.spec_from_file_location('idle_check', sys.argv[1]); m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)",
      'hz = os.sysconf("SC_CLK_TCK")',
      // pid: [start time, own + reaped children's ticks, parent pid]
      "prev = {'t': 1000.0, 'p': {'10': ['100', 5 * hz, '1'], '11': ['200', 40 * hz, '10'], '12': ['300', 3 * hz, '10'], '20': ['500', 7 * hz, '19']}}",
      // 11 (a busy job) and 12 ended and their shell 10 reaped them: 10's children time grew by all of 11's 40 s, the
      // 10 s 11 ran since, and 12's 3 s; a new process got pid 12; 20 ended with its parent (nothing to subtract); 13 is new
      "cur = {'t': 1100.0, 'p': {'10': ['100', 58 * hz, '1'], '12': ['301', 2 * hz, '10'], '13': ['400', 3 * hz, '10']}}",
      'print(json.dumps([m.cpu_percent(prev, cur), m.cpu_percent(None, cur), m.cpu_percent(cur, cur)]))',
    ].join('\n');
    const { stdout } = await run(SYSTEM_PYTHON, ['-c', script, checkerPath]);
    // (58 - 5 - 40 - 3) + 2 + 3 = 15 s of CPU in 100 s
    expect(JSON.parse(stdout)).toEqual([15, null, null]);
  });

  test('no such user: the CPU signal is off and every check says so; --cpu-threshold needs --cpu-user', async () => {
    const args = ['--cpu-threshold', '5', '--cpu-user', 'sml-no-such-user'];
    const result = await measure(args, 0);
    expect(result.fields).toMatchObject({ decision: 'stop', cpu: 'no-user' });
    await expect(run(SYSTEM_PYTHON, [checkerPath, '--threshold-seconds', '2', '--jupyter-url', server.url, '--state-dir', stateDir,
      '--metadata-file', metadataFile, '--cpu-threshold', '5'], { env: checkerEnv() })).rejects.toMatchObject({
      code: 2, stderr: expect.stringContaining('--cpu-threshold needs --cpu-user'),
    });
  });
});
