/** The longest a client waits before it tries a lost replica again (client.ts; gRPC adds up to 20 % jitter). */
export const MAX_RECONNECT_BACKOFF_MS = 2_000;

/**
 * How long a server told to stop by a signal keeps serving before it sends GOAWAY (server.ts,
 * runService): longer than a client's longest reconnect backoff with its jitter. A twin that came
 * back just before this replica was told to stop (a rolling reload) may still sit in a client's
 * backoff; stopping at once left such a client with no ready replica, and every call failed
 * until the backoff ran out (~0.8 s in packages/rpc/test/rpc.test.ts, "one after the other").
 */
export const STOP_LINGER_MS = Math.ceil(MAX_RECONNECT_BACKOFF_MS * 1.2) + 300;
