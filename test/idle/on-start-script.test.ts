/**
 * The on-start script NotebookIdleShutdown synthesizes, run for real with bash in a sandbox: its directories are
 * temp dirs, PATH holds only the tools it needs plus a fake `systemctl` and a fake `crontab` (and a real process
 * named `crond`), so that the scheduler it picks can be set per test. The script is the one decoded from the
 * template's base64 `Content`. The checker runs with Debian's Python 3 and boto3.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import { NotebookIdleShutdown, NotebookIdleShutdownProps } from '../../lib/idle/notebook-idle-shutdown';
import { newTestStack } from '../support/app';
import { SYSTEM_PYTHON } from '../support/jupyter';
import { OnStartSandbox, Schedulers } from '../support/on-start-sandbox';

/** The built-in Python candidates, as the script lists them. */
const CANDIDATES = '/home/ec2-user/anaconda3/envs/JupyterSystemEnv/bin/python /usr/bin/python3 /usr/bin/python';
const TIMER = 'sml-idle-shutdown.timer';
const NOT_INSTALLED = / sml-idle-install NOT INSTALLED: (.*); this instance will not stop when idle$/;

// every test runs the script (and Python) a few times: generous on a loaded 2-core machine
jest.setTimeout(240_000);

let tmp: string;
let onStartScript: string;
const sandboxes: OnStartSandbox[] = [];

function synthesize(props: NotebookIdleShutdownProps = {}): string {
  const stack = newTestStack();
  new NotebookIdleShutdown(stack, 'Idle', props);
  const [lc] = Object.values(Template.fromStack(stack).findResources('AWS::SageMaker::NotebookInstanceLifecycleConfig')) as any[];
  return Buffer.from(lc.Properties.OnStart[0].Content, 'base64').toString('utf8');
}

/** The script with its built-in Python candidates replaced (this machine has a Python 3 with boto3). */
function withCandidates(script: string, candidates: string): string {
  expect(script).toContain(CANDIDATES);
  return script.replace(CANDIDATES, candidates);
}

function sandbox(script = onStartScript): OnStartSandbox {
  const sb = new OnStartSandbox(tmp, script);
  sandboxes.push(sb);
  return sb;
}

/** A lifecycle script's environment (minus PATH, which the sandbox sets), with no route to Jupyter or AWS. */
function env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    HOME: tmp,
    LANG: 'C.UTF-8',
    AWS_EC2_METADATA_DISABLED: 'true',
    SML_IDLE_PYTHON: SYSTEM_PYTHON,
    SML_IDLE_METADATA_FILE: path.join(tmp, 'resource-metadata.json'),
    SML_IDLE_JUPYTER_URL: 'http://127.0.0.1:9',
    ...extra,
  };
}

/** Run on-start and expect it to succeed, quietly on stderr, in well under SageMaker's 5 minutes. */
async function start(sb: OnStartSandbox, extra: NodeJS.ProcessEnv = {}): Promise<string> {
  const run = await sb.run(env(extra));
  expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
  expect(run.ms).toBeLessThan(60_000); // measured ~1 s; the limit is 5 minutes
  return run.stdout;
}

function only(s: Schedulers): string {
  const kinds = [...s.timers.map(() => 'systemd'), ...s.cronLines.map(() => 'cron'), ...s.loops.map(() => 'loop')];
  expect(kinds).toHaveLength(1);
  return kinds[0];
}

/** A stand-in for Amazon Linux 2's /usr/bin/python: Python 2.7 with boto3 (Debian's Python 3 reporting 2.7.18). */
function python2(dir: string): string {
  const file = path.join(dir, 'python2.7');
  fs.writeFileSync(file, [
    '#!/bin/bash',
    'if [ "$1" = -c ]; then',
    `  exec ${SYSTEM_PYTHON} -c "import sys; sys.version_info = (2, 7, 18, 'final', 0); sys.version = '2.7.18'; exec(compile(sys.argv[1], '-c', 'exec'))" "$2"`,
    'fi',
    `exec ${SYSTEM_PYTHON} "$@"`,
    '',
  ].join('\n'), { mode: 0o755 });
  return file;
}

beforeAll(() => {
  execFileSync(SYSTEM_PYTHON, ['-c', 'import boto3'], { stdio: 'ignore' }); // Debian's python3-boto3
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sml-onstart-'));
  onStartScript = synthesize();
});

afterEach(async () => {
  await Promise.all(sandboxes.splice(0).map((sb) => sb.close()));
});

afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('on-start never fails the instance\'s start', () => {
  test('no Python with boto3: one clear line, exit 0, nothing scheduled', async () => {
    const sb = sandbox(withCandidates(onStartScript, '/nonexistent/conda/python /nonexistent/python3'));
    sb.systemd('running');
    const stdout = await start(sb, { SML_IDLE_PYTHON: '' });
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(NOT_INSTALLED);
    expect(NOT_INSTALLED.exec(lines[0])![1]).toBe('no Python 3.7+ with boto3');
    expect(sb.installLines()).toEqual(lines); // the same line in /var/log/jupyter.log
    expect((await sb.schedulers())).toEqual({ timers: [], cronLines: [], loops: [] });
    expect(sb.systemctlCalls()).toEqual([]);
  });

  test('a directory it cannot create: one clear line, exit 0', async () => {
    const sb = sandbox();
    const stdout = await start(sb, { SML_IDLE_DIR: '/proc/sml-idle' });
    expect(stdout.trim().split('\n')).toEqual([expect.stringMatching(NOT_INSTALLED)]);
    expect(stdout).toContain('NOT INSTALLED: mkdir: cannot create directory ‘/proc/sml-idle’: No such file or directory;');
  });

  test('onStartCommands still run when the checker could not be installed', async () => {
    const marker = path.join(tmp, 'user-commands-ran');
    const script = synthesize({ onStartCommands: ['echo ran > "$SML_TEST_MARKER"'] });
    const sb = sandbox(withCandidates(script, '/nonexistent/python3'));
    const stdout = await start(sb, { SML_IDLE_PYTHON: '', SML_TEST_MARKER: marker });
    expect(stdout.trim()).toMatch(NOT_INSTALLED);
    expect(fs.readFileSync(marker, 'utf8')).toBe('ran\n');
  });
});

describe('on-start needs Python 3', () => {
  test('a Python 2 with boto3 (/usr/bin/python on Amazon Linux 2) is skipped for the next Python 3', async () => {
    const py2 = python2(tmp);
    // as on Amazon Linux 2 when the conda env is missing: /usr/bin/python (2.7) comes before a Python 3
    const sb = sandbox(withCandidates(onStartScript, `/nonexistent/conda/python ${py2} ${SYSTEM_PYTHON}`));
    await sb.cron('absent');
    sb.systemd('running');
    const stdout = await start(sb, { SML_IDLE_PYTHON: '' });
    expect(stdout).toMatch(new RegExp(`sml-idle-install systemd every 300s threshold=3600s cpu=10% python=${SYSTEM_PYTHON}\n$`));
    expect(fs.readFileSync(sb.check, 'utf8')).toContain(`exec ${SYSTEM_PYTHON} ${sb.dir}/idle_check.py `);
    expect(fs.readFileSync(sb.check, 'utf8')).not.toContain(py2);
  });

  test('only a Python 2 with boto3: not installed, exit 0', async () => {
    const sb = sandbox(withCandidates(onStartScript, python2(tmp)));
    sb.systemd('running');
    const stdout = await start(sb, { SML_IDLE_PYTHON: '' });
    expect(stdout.trim().split('\n')).toEqual([expect.stringMatching(NOT_INSTALLED)]);
    expect(stdout).toContain('NOT INSTALLED: no Python 3.7+ with boto3;');
    expect((await sb.schedulers())).toEqual({ timers: [], cronLines: [], loops: [] });
  });
});

describe('on-start picks one scheduler: systemd timer, else cron, else a background loop', () => {
  test('systemd running, no cron (Amazon Linux 2023): a systemd timer; a second start leaves exactly one scheduler', async () => {
    const sb = sandbox();
    sb.systemd('running');
    await sb.cron('absent');
    for (let i = 0; i < 2; i++) {
      expect(await start(sb)).toMatch(/sml-idle-install systemd every 300s threshold=3600s cpu=10% python=\S+\n$/);
      expect(only((await sb.schedulers()))).toBe('systemd');
    }
    expect((await sb.schedulers()).timers).toEqual([TIMER]);
    const service = fs.readFileSync(path.join(sb.unitDir, 'sml-idle-shutdown.service'), 'utf8');
    const timer = fs.readFileSync(path.join(sb.unitDir, TIMER), 'utf8');
    expect(service).toBe(`[Unit]\nDescription=SML-IDLE-NOTEBOOK idle check\n[Service]\nType=oneshot\nExecStart=${sb.check}\n`);
    expect(timer).toBe('[Timer]\nOnActiveSec=300\nOnUnitActiveSec=300\nAccuracySec=1s\n');
    // systemd's own parser accepts both units
    execFileSync('systemd-analyze', ['verify', '--man=no', path.join(sb.unitDir, TIMER), path.join(sb.unitDir, 'sml-idle-shutdown.service')], { stdio: 'pipe' });
    // the timer is (re)started without waiting for a job: on-start must not block the boot
    expect(sb.systemctlCalls().filter((c) => c !== 'is-system-running'))
      .toEqual(['daemon-reload', `--no-block restart ${TIMER}`, 'daemon-reload', `--no-block restart ${TIMER}`]);
    // what the service runs is a working check that appends one line to the log
    execFileSync(sb.check, { env: { PATH: '/usr/bin:/bin', HOME: tmp } });
    expect(fs.readFileSync(sb.log, 'utf8')).toMatch(/sml-idle-check decision=keep reason=jupyter-unreadable auth=none error=URLError.*\n$/);
  });

  test.each(['degraded', 'starting'] as const)('systemd %s (a unit failed, or still booting) counts as running', async (state) => {
    const sb = sandbox();
    sb.systemd(state);
    await sb.cron('running');
    await start(sb);
    expect(only((await sb.schedulers()))).toBe('systemd');
  });

  test('systemd and a cron daemon both running (Amazon Linux 2): the systemd timer, root\'s crontab untouched', async () => {
    const sb = sandbox();
    sb.systemd('running');
    await sb.cron('running');
    sb.setCrontab('17 3 * * * /usr/local/bin/backup\n');
    await start(sb);
    expect(only((await sb.schedulers()))).toBe('systemd');
    expect(sb.crontab()).toBe('17 3 * * * /usr/local/bin/backup\n');
  });

  test('no systemd, a cron daemon: one crontab line; a second start leaves exactly one; other entries kept', async () => {
    const sb = sandbox();
    sb.systemd('offline'); // what systemctl says when systemd is not PID 1 (measured on this machine)
    await sb.cron('running');
    sb.setCrontab('17 3 * * * /usr/local/bin/backup\n');
    for (let i = 0; i < 2; i++) {
      expect(await start(sb)).toMatch(/sml-idle-install cron '\*\/5 \* \* \* \*' threshold=3600s cpu=10% python=\S+\n$/);
      expect(only((await sb.schedulers()))).toBe('cron');
    }
    expect(sb.crontab()).toBe(`17 3 * * * /usr/local/bin/backup\n*/5 * * * * ${sb.check}\n`);
  });

  test('crontab installed but no cron daemon running: a background loop (cron would never run it)', async () => {
    const sb = sandbox();
    sb.systemd('absent');
    await sb.cron('installed');
    expect(await start(sb)).toMatch(/sml-idle-install loop every 300s /);
    expect(only((await sb.schedulers()))).toBe('loop');
  });

  test('neither systemd nor cron: a background loop; a second start replaces it (exactly one loop)', async () => {
    const sb = sandbox();
    sb.systemd('absent');
    await sb.cron('absent');
    await start(sb);
    const [first] = (await sb.schedulers()).loops;
    expect(only((await sb.schedulers()))).toBe('loop');
    await start(sb);
    expect(only((await sb.schedulers()))).toBe('loop');
    expect((await sb.schedulers()).loops).not.toContain(first);
    expect(Number(fs.readFileSync(path.join(sb.dir, 'loop.pid'), 'utf8'))).toBe((await sb.schedulers()).loops[0]);
  });

  test('when what runs changes between starts, the earlier scheduler is removed', async () => {
    const sb = sandbox();
    // systemctl and crontab stay callable, as on a host where systemd is not PID 1 or crond is stopped
    const steps: Array<[systemd: 'running' | 'offline', cron: 'running' | 'installed', expected: string]> = [
      ['running', 'installed', 'systemd'],
      ['offline', 'running', 'cron'],
      ['offline', 'installed', 'loop'],
      ['running', 'installed', 'systemd'],
      ['offline', 'installed', 'loop'],
      ['offline', 'running', 'cron'],
      ['running', 'running', 'systemd'],
    ];
    for (const [systemd, cron, expected] of steps) {
      sb.systemd(systemd);
      await sb.cron(cron);
      await start(sb);
      expect(only((await sb.schedulers()))).toBe(expected);
    }
    expect(sb.crontab()).toBe('');
  });
});
