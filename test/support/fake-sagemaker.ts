import * as http from 'http';
import { AddressInfo } from 'net';

/** One recorded SageMaker API call. */
export interface RecordedCall {
  /** Operation, from `x-amz-target: SageMaker.<Op>`. */
  readonly operation: string;
  /** Parsed JSON body. */
  readonly body: any;
  /** Request headers. */
  readonly headers: http.IncomingHttpHeaders;
}

/** A canned response for one operation. */
export interface FakeResponse {
  readonly status: number;
  readonly body: any;
}

/**
 * A loopback HTTP server that speaks the SageMaker JSON 1.1 protocol well enough for SDK clients
 * (`POST /`, `x-amz-target: SageMaker.<Op>`): it records every call and answers `{}` (200) unless a response
 * was queued or set for the operation. Errors use the JSON 1.1 shape `{"__type": ..., "message": ...}`.
 */
export class FakeSageMaker {
  /** Start on 127.0.0.1 with a free port. */
  public static async start(): Promise<FakeSageMaker> {
    const fake = new FakeSageMaker();
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  public readonly calls: RecordedCall[] = [];
  private readonly server: http.Server;
  private readonly responses = new Map<string, FakeResponse[]>();
  private readonly fixed = new Map<string, FakeResponse>();

  private constructor() {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const target = String(req.headers['x-amz-target'] ?? '');
        const operation = target.startsWith('SageMaker.') ? target.slice('SageMaker.'.length) : target;
        const raw = Buffer.concat(chunks).toString('utf8');
        let body: any = raw;
        try { body = raw ? JSON.parse(raw) : {}; } catch { /* keep raw */ }
        this.calls.push({ operation, body, headers: req.headers });
        const queued = this.responses.get(operation);
        const response = queued && queued.length > 0 ? queued.shift()! : this.fixed.get(operation) ?? { status: 200, body: {} };
        res.writeHead(response.status, {
          'content-type': 'application/x-amz-json-1.1',
          'x-amzn-requestid': `fake-${this.calls.length}`,
        });
        res.end(JSON.stringify(response.body));
      });
    });
  }

  /** `http://127.0.0.1:<port>`, for `endpoint_url` / `endpoint`. */
  public get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Recorded calls of one operation. */
  public callsOf(operation: string): RecordedCall[] {
    return this.calls.filter((c) => c.operation === operation);
  }

  /** Answer the next call of `operation` with this response (queued, used once). */
  public queue(operation: string, response: FakeResponse): void {
    const list = this.responses.get(operation) ?? [];
    list.push(response);
    this.responses.set(operation, list);
  }

  /** Answer every call of `operation` with a JSON 1.1 error. */
  public failWith(operation: string, status: number, type: string, message: string): void {
    this.fixed.set(operation, { status, body: { __type: type, message } });
  }

  /** Forget recorded calls and canned responses. */
  public reset(): void {
    this.calls.length = 0;
    this.responses.clear();
    this.fixed.clear();
  }

  public async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }
}
