import { ChildProcess, execFile, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/** What `systemctl is-system-running` answers in the sandbox; `absent`: no `systemctl` on PATH. */
export type FakeSystemd = 'running' | 'degraded' | 'starting' | 'offline' | 'absent';
/** `running`: `crontab` on PATH and a process named `crond`; `installed`: `crontab` only; `absent`: neither. */
export type FakeCron = 'running' | 'installed' | 'absent';

/** The outcome of one run of the on-start script. */
export interface OnStartRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** The schedulers an on-start run left behind in the sandbox. */
export interface Schedulers {
  /** Started systemd timers (from the fake `systemctl`'s state) whose unit file exists. */
  readonly timers: string[];
  /** Lines of root's (fake) crontab that run the checker. */
  readonly cronLines: string[];
  /** Live background-loop processes that run this sandbox's checker. */
  readonly loops: number[];
}

/** Tools the on-start script calls by name, linked into the sandbox's PATH from this machine. */
const TOOLS = ['bash', 'cat', 'chmod', 'date', 'grep', 'kill', 'mkdir', 'nohup', 'pgrep', 'rm', 'setsid', 'sleep', 'tee'];

/** A fake `systemctl`: `is-system-running` prints `$FAKE/systemd`; start/stop keep started units in `$FAKE/active`. */
const FAKE_SYSTEMCTL = `#!/bin/bash
PATH=/usr/bin:/bin
echo "$*" >> "$SML_FAKE/systemctl.calls"
[ "$1" = --no-block ] && shift
case "$1" in
  is-system-running) cat "$SML_FAKE/systemd"; [ "$(cat "$SML_FAKE/systemd")" = running ] ;;
  daemon-reload) ;;
  start|restart) mkdir -p "$SML_FAKE/active" && touch "$SML_FAKE/active/$2" ;;
  stop) rm -f "$SML_FAKE/active/$2" ;;
  *) echo "fake systemctl: unsupported $*" >&2; exit 1 ;;
esac
`;

/** A fake `crontab` for root: the table lives in `$FAKE/crontab`. */
const FAKE_CRONTAB = `#!/bin/bash
PATH=/usr/bin:/bin
case "$1" in
  -l) [ -f "$SML_FAKE/crontab" ] || { echo "no crontab for root" >&2; exit 1; }; cat "$SML_FAKE/crontab" ;;
  -) cat > "$SML_FAKE/crontab" ;;
  *) echo "fake crontab: unsupported $*" >&2; exit 1 ;;
esac
`;

/**
 * A throwaway root for the synthesized on-start script: its paths (`SML_IDLE_DIR`, `SML_IDLE_UNIT_DIR`,
 * `SML_IDLE_LOG`) point into a temp dir, and PATH holds only the tools the script needs plus, as asked, a fake
 * `systemctl` and a fake `crontab` (with a real process named `crond` for a running cron daemon). Nothing on
 * this machine's systemd or cron is touched.
 */
export class OnStartSandbox {
  public readonly root: string;
  public readonly dir: string;
  public readonly unitDir: string;
  public readonly log: string;
  public readonly script: string;
  private readonly bin: string;
  private readonly fake: string;
  private crond?: ChildProcess;

  constructor(parent: string, onStartScript: string) {
    this.root = fs.mkdtempSync(path.join(parent, 'root-'));
    this.dir = path.join(this.root, 'opt/sml-idle');
    this.unitDir = path.join(this.root, 'etc/systemd/system');
    this.log = path.join(this.root, 'var/log/jupyter.log');
    this.bin = path.join(this.root, 'bin');
    this.fake = path.join(this.root, 'fake');
    this.script = path.join(this.root, 'on-start.sh');
    for (const d of [this.unitDir, path.dirname(this.log), this.bin, this.fake]) fs.mkdirSync(d, { recursive: true });
    for (const tool of TOOLS) {
      const real = execFileSync('/bin/bash', ['-c', `type -P ${tool}`], { encoding: 'utf8' }).trim();
      fs.symlinkSync(real, path.join(this.bin, tool));
    }
    fs.writeFileSync(this.script, onStartScript);
  }

  /** Path of the checker wrapper every scheduler runs. */
  public get check(): string {
    return path.join(this.dir, 'check.sh');
  }

  /** Set what systemd looks like to the next runs. */
  public systemd(state: FakeSystemd): void {
    const tool = path.join(this.bin, 'systemctl');
    fs.rmSync(tool, { force: true });
    if (state === 'absent') return;
    fs.writeFileSync(tool, FAKE_SYSTEMCTL, { mode: 0o755 });
    fs.writeFileSync(path.join(this.fake, 'systemd'), `${state}\n`);
  }

  /** Set what cron looks like to the next runs. */
  public async cron(state: FakeCron): Promise<void> {
    const tool = path.join(this.bin, 'crontab');
    fs.rmSync(tool, { force: true });
    if (state !== 'absent') fs.writeFileSync(tool, FAKE_CRONTAB, { mode: 0o755 });
    if (state === 'running' && !this.crond) {
      // a real process named crond (a copy of sleep), found by `pgrep -x`
      const crond = path.join(this.fake, 'crond');
      fs.copyFileSync(execFileSync('/bin/bash', ['-c', 'type -P sleep'], { encoding: 'utf8' }).trim(), crond);
      fs.chmodSync(crond, 0o755);
      this.crond = spawn(crond, ['3600'], { stdio: 'ignore' });
      await waitUntil(() => execFileSync('/bin/bash', ['-c', 'pgrep -x crond || true'], { encoding: 'utf8' }).includes(String(this.crond!.pid)), 10_000);
    }
    if (state !== 'running' && this.crond) {
      await stopChild(this.crond);
      this.crond = undefined;
    }
  }

  /** Root's crontab as the fake keeps it ('' when none). */
  public crontab(): string {
    const f = path.join(this.fake, 'crontab');
    return fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : '';
  }

  /** Replace root's crontab (as another tool would have left it). */
  public setCrontab(table: string): void {
    fs.writeFileSync(path.join(this.fake, 'crontab'), table);
  }

  /** The calls the fake systemctl received, one per line. */
  public systemctlCalls(): string[] {
    const f = path.join(this.fake, 'systemctl.calls');
    return fs.existsSync(f) ? fs.readFileSync(f, 'utf8').trim().split('\n') : [];
  }

  /** Run the on-start script with bash, PATH set to the sandbox's tools, and `env` (which may move its paths). */
  public run(env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<OnStartRun> {
    const started = Date.now();
    return new Promise((resolve) => {
      execFile('/bin/bash', [this.script], {
        timeout: timeoutMs,
        env: {
          SML_IDLE_DIR: this.dir,
          SML_IDLE_UNIT_DIR: this.unitDir,
          SML_IDLE_LOG: this.log,
          ...env,
          PATH: this.bin,
          SML_FAKE: this.fake,
        },
      }, (error, stdout, stderr) => {
        const code = error ? (typeof (error as any).code === 'number' ? (error as any).code : -1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr), ms: Date.now() - started });
      });
    });
  }

  /**
   * The schedulers now in place. A loop the last run started is counted once it runs: `nohup setsid bash -c …`
   * may still be between its exec calls when on-start returns.
   */
  public async schedulers(): Promise<Schedulers> {
    await this.settle();
    const active = path.join(this.fake, 'active');
    const timers = fs.existsSync(active)
      ? fs.readdirSync(active).filter((u) => u.endsWith('.timer') && fs.existsSync(path.join(this.unitDir, u)))
      : [];
    const cronLines = this.crontab().split('\n').filter((l) => l.includes(this.check));
    return { timers, cronLines, loops: this.loops() };
  }

  /** The install line(s) the script logged. */
  public installLines(): string[] {
    if (!fs.existsSync(this.log)) return [];
    return fs.readFileSync(this.log, 'utf8').split('\n').filter((l) => l.includes(' sml-idle-install '));
  }

  /** End the loops this sandbox's script started and the fake crond. */
  public async close(): Promise<void> {
    await this.settle();
    for (const pid of this.loops()) {
      try { process.kill(-pid, 'SIGTERM'); } catch { /* already gone */ }
    }
    if (this.crond) await stopChild(this.crond);
    await waitUntil(() => this.loops().length === 0, 10_000);
  }

  /** Wait until the process in `loop.pid` (if any) is gone or has become the loop. */
  private async settle(): Promise<void> {
    const file = path.join(this.dir, 'loop.pid');
    if (!fs.existsSync(file)) return;
    const pid = fs.readFileSync(file, 'utf8').trim();
    await waitUntil(() => {
      try {
        return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith('bash\0-c\0while :; do ');
      } catch {
        return true; // gone
      }
    }, 30_000);
  }

  /** Live `bash -c "while :; do <a checker in this sandbox>; ..."` processes. */
  private loops(): number[] {
    const pids: number[] = [];
    for (const entry of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      let argv: string[];
      let group: string;
      try {
        argv = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
        group = fs.readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1].split(' ')[2];
      } catch {
        continue; // gone
      }
      // the loop leads its own process group (setsid); a copy it has just forked to run the check does not
      if (argv[0] === 'bash' && argv[1] === '-c' && argv[2]?.startsWith('while :; do ') && argv[2].includes(`${this.dir}/`) && group === entry) {
        pids.push(Number(entry));
      }
    }
    return pids;
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  await exited;
}

/** Poll until `check` is true. */
export async function waitUntil(check: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
