/**
 * The drop's waiting room from the buyer's side: one ticket, polled exactly when the server
 * says (`pollAfterMs`, plus a little jitter), backing off on 429/503 and network errors.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, get, post } from './api.ts';
import { backoffDelay, nextPollDelay, ticketPath } from './poll.ts';

export interface Drop {
  id: string;
  productId: string;
  status: 'SCHEDULED' | 'OPEN' | 'SOLD_OUT' | 'CLOSED';
  opensAt: string;
  admitPerSecond: number;
  holdSeconds: number;
  queueLength: number;
  admitted: number;
  unitsLeft: number | null;
  activeHolds: number;
  fairness: { algorithm: string; seedHash: string; seed: string | null };
}

export interface Ticket {
  ticketId: string;
  state: 'WAITING' | 'ADMITTED' | 'SOLD_OUT' | 'EXPIRED' | 'CLOSED';
  position: number | null;
  etaSeconds: number | null;
  pollAfterMs: number;
  /** Far from the head: the next poll is the held one (`queue/me/wait`), answered when something changes. */
  longPoll?: boolean;
  joinNo: number;
  preQueue: boolean;
  admission?: { number: number; quantity: number; expiresAt: string; token?: string; used: boolean };
}

export interface TicketState {
  /** undefined: not known yet; null: not in the queue. */
  ticket: Ticket | null | undefined;
  error?: unknown;
  /** When the next poll is due (epoch ms), for "checking again in N s". */
  nextAt?: number;
  joining: boolean;
  join: () => Promise<void>;
}

const dropPath = (id: string) => `/api/drops/${encodeURIComponent(id)}`;
export const getDrop = (id: string, signal?: AbortSignal) => get<Drop>(dropPath(id), { auth: false, signal });

/** Is there anything left to learn by polling? A used admission, an expired hold or a closed drop is the end. */
function done(t: Ticket): boolean {
  return t.state === 'EXPIRED' || t.state === 'CLOSED' || (t.state === 'ADMITTED' && !!t.admission?.used);
}

export function useTicket(dropId: string, signedIn: boolean): TicketState {
  const [ticket, setTicket] = useState<Ticket | null | undefined>(signedIn ? undefined : null);
  const [error, setError] = useState<unknown>();
  const [nextAt, setNextAt] = useState<number>();
  const [joining, setJoining] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const failures = useRef(0);
  const alive = useRef(true);

  const schedule = (ms: number, run: () => void) => {
    clearTimeout(timer.current);
    setNextAt(Date.now() + ms);
    timer.current = setTimeout(run, ms);
  };

  const handle = (call: () => Promise<Ticket>) => async (): Promise<void> => {
    try {
      const t = await call();
      if (!alive.current) return;
      failures.current = 0;
      setError(undefined);
      setTicket(t);
      if (!done(t)) schedule(nextPollDelay(t.pollAfterMs), ticketPath(t) === 'wait' ? wait : poll);
      else setNextAt(undefined);
    } catch (err) {
      if (!alive.current) return;
      if (err instanceof ApiError && err.code === 'NOT_IN_QUEUE') return setTicket(null);
      const overloaded = err instanceof ApiError && (err.status === 429 || err.status === 503 || err.status === 0 || err.status >= 500);
      setError(err);
      if (!overloaded) return;
      failures.current++;
      schedule(backoffDelay(failures.current, (err as ApiError).retryAfter), poll);
    }
  };
  const poll = handle(() => get<Ticket>(`${dropPath(dropId)}/queue/me`));
  // The held poll: the server answers when the drop sells out or closes, the turn is near, or after ~10 s.
  const wait = handle(() => get<Ticket>(`${dropPath(dropId)}/queue/me/wait`));

  useEffect(() => {
    alive.current = true;
    if (signedIn) void poll();
    return () => {
      alive.current = false;
      clearTimeout(timer.current);
    };
    // A new drop or a sign-in starts over.
  }, [dropId, signedIn]);

  const join = async () => {
    setJoining(true);
    await handle(() => post<Ticket>(`${dropPath(dropId)}/queue`))();
    setJoining(false);
  };
  return { ticket, error, nextAt, joining, join };
}
