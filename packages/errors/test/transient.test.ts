import { describe, expect, it } from '@jest/globals';
import { isTransient } from '../src/index.js';

/** The shape pg gives a server's error: a DatabaseError with the SQLSTATE in `code`. */
const dbError = (code: string, message: string) => Object.assign(new Error(message), { name: 'error', code, severity: 'FATAL' });

describe('isTransient', () => {
  it('when PgBouncer refuses because Postgres is away (08P01), then the error is transient', () => {
    expect(isTransient(dbError('08P01', 'server login has been failing, try again later (server_login_retry)'))).toBe(true);
    expect(isTransient(dbError('08P01', 'query_wait_timeout'))).toBe(true);
  });

  it('when Postgres refuses or drops the connection, then the error is transient', () => {
    for (const code of ['08000', '08001', '08003', '08006', '57P01', '57P03']) expect(isTransient(dbError(code, 'x'))).toBe(true);
    expect(isTransient(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6432'), { code: 'ECONNREFUSED' }))).toBe(true);
  });

  it('when Redis is away (its breaker refuses, its client is disconnected, a command timed out), then the error is transient', () => {
    for (const message of ['Redis is unavailable: not used until it answers a PING again', 'Redis is not reachable', 'Redis Cluster is not reachable', 'Command timed out']) {
      expect(isTransient(new Error(message))).toBe(true);
    }
  });

  it('when the work itself is wrong (a constraint, a syntax error), then the error is not transient', () => {
    for (const code of ['23505', '23514', '42601', '22P02']) expect(isTransient(dbError(code, 'x'))).toBe(false);
    expect(isTransient(new Error('boom'))).toBe(false);
  });
});
