import { AppError } from '@shop/errors';
import { GraphQLError } from 'graphql';

export interface RestCall {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  body?: unknown;
  headers?: Record<string, string | undefined>;
}

/** What every call carries from the GraphQL request: the caller's token and the edge's headers. */
export interface Forwarded {
  authorization?: string;
  requestId?: string;
  realIp?: string;
  cartId?: string;
}

const refused = (err: unknown): boolean => (err as { cause?: { code?: string } })?.cause?.code === 'ECONNREFUSED';

/**
 * One service's REST API behind its replicas, tried in turn: a replica that refuses the
 * connection (nothing was sent) is skipped, as the edge does; any answer is final. A REST
 * error becomes a GraphQL error with the same code, so clients branch on the same strings.
 */
export class RestUpstream {
  private next = 0;

  constructor(
    private readonly name: string,
    private readonly urls: string[],
    private readonly timeoutMs: number,
  ) {}

  async call<T>(call: RestCall, fwd: Forwarded): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (fwd.authorization) headers.authorization = fwd.authorization;
    if (fwd.requestId) headers['x-request-id'] = fwd.requestId;
    if (fwd.realIp) headers['x-real-ip'] = fwd.realIp;
    if (call.body !== undefined) headers['content-type'] = 'application/json';
    for (const [k, v] of Object.entries(call.headers ?? {})) if (v !== undefined) headers[k.toLowerCase()] = v;
    const body = call.body === undefined ? undefined : JSON.stringify(call.body);
    for (let tried = 0; ; tried++) {
      const base = this.urls[this.next++ % this.urls.length];
      let res: Response;
      try {
        res = await fetch(`${base}${call.path}`, { method: call.method, headers, body, signal: AbortSignal.timeout(this.timeoutMs) });
      } catch (err) {
        if (refused(err) && tried + 1 < this.urls.length) continue;
        if ((err as Error).name === 'TimeoutError') throw new AppError('GATEWAY_TIMEOUT', `The ${this.name} service did not answer in time`);
        throw AppError.unavailable(`The ${this.name} service`);
      }
      const text = await res.text();
      const json = text ? (JSON.parse(text) as unknown) : undefined;
      if (res.ok) return json as T;
      throw restError(res.status, json, res.headers.get('retry-after'));
    }
  }
}

function restError(status: number, json: unknown, retryAfter: string | null): GraphQLError {
  const e = (json as { error?: { code?: string; message?: string; requestId?: string; details?: unknown } } | undefined)?.error;
  return new GraphQLError(e?.message ?? `upstream answered ${status}`, {
    extensions: {
      code: e?.code ?? (status >= 500 ? 'BAD_GATEWAY' : 'CONFLICT'),
      status,
      ...(e?.requestId ? { requestId: e.requestId } : {}),
      ...(e?.details !== undefined ? { details: e.details } : {}),
      ...(retryAfter ? { retryAfter } : {}),
    },
  });
}
