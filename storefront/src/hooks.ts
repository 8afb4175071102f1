/** Small hooks the pages share: a loaded value, the session, a ticking clock, the document title. */
import { useEffect, useState } from 'preact/hooks';
import { session, type Session } from './session.ts';

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/** Runs `load` when `deps` change; a stale answer (deps moved on) is dropped. */
export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const [nonce, setNonce] = useState(0);
  useEffect(() => {
    const ctl = new AbortController();
    setState((s) => ({ ...s, loading: true, error: undefined }));
    load(ctl.signal).then(
      (data) => ctl.signal.aborted || setState({ data, loading: false }),
      (error) => ctl.signal.aborted || setState({ error, loading: false }),
    );
    return () => ctl.abort();
  }, [...deps, nonce]);
  return { data: state.data, error: state.error, loading: state.loading, reload: () => setNonce((n) => n + 1) };
}

export function useSession(): Session | null {
  const [s, set] = useState(session.current());
  useEffect(() => session.subscribe(() => set(session.current())), []);
  return s;
}

/** Re-renders every `ms` while mounted (countdowns). */
export function useNow(ms = 1000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}

export function useTitle(title: string): void {
  useEffect(() => {
    document.title = title ? `${title} · dropshop` : 'dropshop';
  }, [title]);
}
