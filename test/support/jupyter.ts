import { ChildProcess, execFile, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

/** Debian's Python (the one that sees python3-jupyter-server, python3-ipykernel and python3-boto3). */
export const SYSTEM_PYTHON = '/usr/bin/python3';

/** True when Debian's Jupyter server, ipykernel and boto3 are importable. */
export function jupyterAvailable(): boolean {
  try {
    execFileSync(SYSTEM_PYTHON, ['-c', 'import jupyter_server, ipykernel, boto3, terminado'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** A free TCP port on 127.0.0.1 (released before return). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Result of a REST call. */
export interface ApiResponse {
  readonly status: number;
  readonly body: any;
}

/**
 * Python lines that connect a client straight to a kernel's channels (`sys.argv[1]`: its connection file) and wait
 * until it answers. No heartbeat channel: on a loaded machine a heartbeat late by a second reads as a dead kernel.
 */
const KERNEL_CLIENT = [
  'import sys',
  'from jupyter_client import BlockingKernelClient',
  'c = BlockingKernelClient(connection_file=sys.argv[1]); c.load_connection_file(); c.start_channels(hb=False)',
  'c.wait_for_ready(timeout=60)',
];

/** A Unix user to run a server as (the tests run as root): `nobody` stands in for a notebook instance's ec2-user. */
export interface RunAs {
  readonly uid: number;
  readonly gid: number;
}

/** Debian's `nobody`. */
export const NOBODY: RunAs = { uid: 65534, gid: 65534 };

/** A process started by a helper; `close()` ends it (and its process group). */
export interface Handle {
  close(): Promise<void>;
}

/**
 * A real Jupyter server (Debian's jupyter_server 1.x) on 127.0.0.1 with a token, in temp dirs, for tests.
 * Kernels run with Debian's ipykernel; terminals with terminado. With `user`, the server (and so its kernels and
 * terminals) runs as that user, as a notebook instance's runs as ec2-user.
 */
export class JupyterServer {
  /** Start a server on a free port and wait until its API answers. */
  public static async start(options: { token?: string; timeoutMs?: number; user?: RunAs } = {}): Promise<JupyterServer> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sml-jupyter-'));
    const token = options.token ?? `t${Math.random().toString(36).slice(2)}`;
    const port = await freePort();
    const server = new JupyterServer(dir, token, port, options.user);
    await server.waitUntilUp(options.timeoutMs ?? 60000);
    return server;
  }

  /** `http://127.0.0.1:<port>` */
  public readonly url: string;
  /** Directory holding the kernels' connection files. */
  public readonly runtimeDir: string;
  private readonly proc: ChildProcess;
  private output = '';
  private readonly helpers = new Set<Handle>();

  private constructor(public readonly dir: string, public readonly token: string, public readonly port: number, user?: RunAs) {
    this.url = `http://127.0.0.1:${port}`;
    this.runtimeDir = path.join(dir, 'runtime');
    const root = path.join(dir, 'root');
    fs.mkdirSync(root, { recursive: true });
    if (user) {
      fs.chownSync(dir, user.uid, user.gid);
      fs.chownSync(root, user.uid, user.gid);
    }
    this.proc = spawn(SYSTEM_PYTHON, [
      '-m', 'jupyter_server',
      '--ServerApp.ip=127.0.0.1', `--ServerApp.port=${port}`, '--ServerApp.port_retries=0',
      `--ServerApp.token=${token}`, '--ServerApp.open_browser=False', `--ServerApp.root_dir=${root}`,
      '--allow-root',
    ], {
      env: {
        PATH: '/usr/bin:/bin',
        HOME: dir,
        LANG: 'C.UTF-8',
        JUPYTER_RUNTIME_DIR: this.runtimeDir,
        JUPYTER_CONFIG_DIR: path.join(dir, 'config'),
        JUPYTER_DATA_DIR: path.join(dir, 'data'),
        JUPYTER_PLATFORM_DIRS: '1',
        SHELL: '/bin/sh',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(user ? { uid: user.uid, gid: user.gid } : {}),
    });
    this.proc.stdout!.on('data', (d) => { this.output += d; });
    this.proc.stderr!.on('data', (d) => { this.output += d; });
  }

  /** The server's log so far (for failure messages). */
  public get log(): string {
    return this.output;
  }

  /** Call the REST API with the token. */
  public async api(method: string, urlPath: string, body?: unknown): Promise<ApiResponse> {
    const res = await fetch(this.url + urlPath, {
      method,
      headers: { 'Authorization': `token ${this.token}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: any = text;
    try { parsed = text ? JSON.parse(text) : undefined; } catch { /* not JSON */ }
    return { status: res.status, body: parsed };
  }

  /** Start a kernel; returns its model. */
  public async createKernel(name = 'python3'): Promise<any> {
    return this.ok(await this.api('POST', '/api/kernels', { name }), 201);
  }

  /** Start a notebook session (with a new kernel, or an existing one); returns the session model. */
  public async createSession(notebookPath = 'Untitled.ipynb', kernelId?: string): Promise<any> {
    const kernel = kernelId ? { id: kernelId } : { name: 'python3' };
    return this.ok(await this.api('POST', '/api/sessions', { path: notebookPath, type: 'notebook', name: notebookPath, kernel }), 201);
  }

  /** Open a terminal; returns its model (`name`, `last_activity`). */
  public async createTerminal(): Promise<any> {
    return this.ok(await this.api('POST', '/api/terminals'), 200);
  }

  /**
   * Type `command` into a terminal through its websocket (as a browser does) and return once the terminal echoed
   * `echo` (a part of the command); the command keeps running after the connection is closed.
   */
  public async typeInTerminal(name: string, command: string, echo: string): Promise<void> {
    const script = [
      'import json, sys',
      'from tornado import ioloop, websocket',
      'async def main():',
      '    ws = await websocket.websocket_connect(sys.argv[1])',
      "    ws.write_message(json.dumps(['stdin', sys.argv[2] + '\\r']))",
      '    while True:',
      '        m = await ws.read_message()',
      '        if m is None or sys.argv[3] in m: break',
      '    ws.close()',
      'ioloop.IOLoop.current().run_sync(main)',
    ].join('\n');
    const wsUrl = `ws://127.0.0.1:${this.port}/terminals/websocket/${name}?token=${this.token}`;
    await run(SYSTEM_PYTHON, ['-c', script, wsUrl, command, echo]);
  }

  /** Run `code` in a kernel (a client connected straight to its channels) and wait until the server reports it idle. */
  public async execute(kernelId: string, code: string): Promise<void> {
    await this.makeReady(kernelId);
    const script = [
      ...KERNEL_CLIENT,
      'msg_id = c.execute(sys.argv[2])',
      'while True:',
      '    m = c.get_shell_msg(timeout=60)',
      "    if m['parent_header'].get('msg_id') == msg_id: break",
      "if m['content']['status'] != 'ok': sys.exit(str(m['content']))",
    ].join('\n');
    await run(SYSTEM_PYTHON, ['-c', script, path.join(this.runtimeDir, `kernel-${kernelId}.json`), code], { timeoutMs: 90_000 });
    await this.waitFor(async () => (await this.kernel(kernelId)).execution_state === 'idle', 30_000);
  }

  /** The kernel's model. */
  public async kernel(id: string): Promise<any> {
    return this.ok(await this.api('GET', `/api/kernels/${id}`), 200);
  }

  /**
   * Shut down every session, kernel and terminal (except the kernels in `keepKernels`), and end helper processes.
   * Kernels take seconds to boot, so tests may share one.
   */
  public async reset(keepKernels: string[] = []): Promise<void> {
    await Promise.all([...this.helpers].map((h) => h.close()));
    for (const s of (await this.api('GET', '/api/sessions')).body ?? []) {
      if (keepKernels.includes(s.kernel?.id)) continue;
      await this.api('DELETE', `/api/sessions/${s.id}`);
    }
    for (const k of (await this.api('GET', '/api/kernels')).body ?? []) {
      if (keepKernels.includes(k.id)) continue;
      await this.api('DELETE', `/api/kernels/${k.id}`);
    }
    for (const t of (await this.api('GET', '/api/terminals')).body ?? []) await this.api('DELETE', `/api/terminals/${t.name}`);
  }

  /** Interrupt a kernel (ends a busy cell) and wait until the server reports it `idle`. */
  public async interrupt(kernelId: string): Promise<void> {
    this.ok(await this.api('POST', `/api/kernels/${kernelId}/interrupt`), 204);
    await this.waitFor(async () => (await this.kernel(kernelId)).execution_state === 'idle', 30_000);
  }

  /**
   * Make a kernel busy: a jupyter_client connected straight to the kernel's ZMQ channels (no server connection)
   * sends `code` and returns once the kernel reports `busy`; the server sees the state on iopub.
   */
  public async makeBusy(kernelId: string, code = 'import time; time.sleep(60)'): Promise<void> {
    await this.makeReady(kernelId);
    const script = [
      ...KERNEL_CLIENT,
      'c.execute(sys.argv[2])',
      'while True:',
      '    m = c.get_iopub_msg(timeout=60)',
      "    if m['msg_type'] == 'status' and m['content']['execution_state'] == 'busy': break",
    ].join('\n');
    await run(SYSTEM_PYTHON, ['-c', script, path.join(this.runtimeDir, `kernel-${kernelId}.json`), code], { timeoutMs: 90_000 });
    await this.waitFor(async () => (await this.kernel(kernelId)).execution_state === 'busy', 30_000);
  }

  /**
   * Bring a kernel from `starting` to `idle` with a kernel_info round trip, without keeping a connection. The
   * server learns the state from the kernel's iopub; a status sent before its subscription is connected is lost
   * (ZMQ slow joiner), so the round trip is repeated until the server reports `idle`.
   */
  public async makeReady(kernelId: string): Promise<void> {
    const script = [
      ...KERNEL_CLIENT,
    ].join('\n');
    for (let attempt = 1; ; attempt++) {
      await run(SYSTEM_PYTHON, ['-c', script, path.join(this.runtimeDir, `kernel-${kernelId}.json`)], { timeoutMs: 90_000 });
      try {
        await this.waitFor(async () => (await this.kernel(kernelId)).execution_state === 'idle', 1000);
        return;
      } catch (e) {
        if (attempt >= 10) throw e;
      }
    }
  }

  /**
   * Hold a websocket connection to a kernel through the server (as a browser tab does), so the kernel model
   * shows `connections: 1`. Ends with `close()` or `reset()`.
   */
  public async connect(kernelId: string): Promise<Handle> {
    const script = [
      'import sys',
      'from tornado import ioloop, websocket',
      'async def main():',
      '    ws = await websocket.websocket_connect(sys.argv[1])',
      "    print('connected', flush=True)",
      '    while True:',
      '        if await ws.read_message() is None: break',
      'ioloop.IOLoop.current().run_sync(main)',
    ].join('\n');
    const wsUrl = `ws://127.0.0.1:${this.port}/api/kernels/${kernelId}/channels?token=${this.token}`;
    const proc = spawn(SYSTEM_PYTHON, ['-c', script, wsUrl], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    await new Promise<void>((resolve, reject) => {
      let err = '';
      proc.stdout!.on('data', (d) => { if (String(d).includes('connected')) resolve(); });
      proc.stderr!.on('data', (d) => { err += d; });
      proc.once('exit', (code) => reject(new Error(`websocket helper exited ${code}: ${err}`)));
    });
    const handle: Handle = {
      close: async () => {
        this.helpers.delete(handle);
        await killGroup(proc);
      },
    };
    this.helpers.add(handle);
    await this.waitFor(async () => (await this.kernel(kernelId)).connections > 0, 30_000);
    return handle;
  }

  /** Stop the server and remove its temp dir. */
  public async stop(): Promise<void> {
    await Promise.all([...this.helpers].map((h) => h.close()));
    if (this.proc.exitCode === null) {
      const exited = new Promise<void>((resolve) => this.proc.once('exit', () => resolve()));
      this.proc.kill('SIGTERM');
      const timer = setTimeout(() => this.proc.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  /** Poll until `check` is true. */
  public async waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      if (await check().catch(() => false)) return;
      if (Date.now() > until) throw new Error(`condition not met within ${timeoutMs} ms\n${this.output.slice(-2000)}`);
      await sleep(100);
    }
  }

  private async waitUntilUp(timeoutMs: number): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      if (this.proc.exitCode !== null) throw new Error(`jupyter_server exited ${this.proc.exitCode}:\n${this.output}`);
      const up = await this.api('GET', '/api/kernels').then((r) => r.status === 200).catch(() => false);
      if (up) return;
      if (Date.now() > until) throw new Error(`jupyter_server did not answer within ${timeoutMs} ms:\n${this.output}`);
      await sleep(100);
    }
  }

  private ok(res: ApiResponse, status: number): any {
    if (res.status !== status) throw new Error(`expected HTTP ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body;
  }
}

/** Run a command; resolve with stdout, reject with stderr on a non-zero exit. */
export function run(cmd: string, args: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { env: options.env, timeout: options.timeoutMs ?? 30000 }, (error, stdout, stderr) => {
      if (error) reject(Object.assign(error, { stdout, stderr }));
      else resolve({ stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** Kill a detached process's whole group and wait for it to exit. */
export async function killGroup(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null || proc.pid === undefined) return;
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  try { process.kill(-proc.pid, 'SIGTERM'); } catch { proc.kill('SIGTERM'); }
  await exited;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
