/** Sign in and register through our API (which talks to Keycloak); the guest cart merges in. */
import { useState } from 'preact/hooks';
import { post } from '../api.ts';
import { cart } from '../cart.ts';
import { useTitle } from '../hooks.ts';
import { session } from '../session.ts';
import { Link, navigate, type Location } from '../router.tsx';
import { ErrorBox } from '../ui.tsx';

interface Tokens {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

/** Only a path on this site: `?next=//evil.example` must not send anyone away. */
export function safeNext(loc: Location): string {
  const next = loc.query.get('next') ?? '/';
  return next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/';
}

async function signIn(email: string, password: string): Promise<void> {
  session.signedIn(await post<Tokens>('/api/auth/login', { email, password }, { auth: false }));
  await cart.mergeGuest();
}

function useSubmit(action: (form: FormData) => Promise<void>) {
  const [state, setState] = useState<{ busy: boolean; error?: unknown }>({ busy: false });
  const onSubmit = async (e: Event) => {
    e.preventDefault();
    setState({ busy: true });
    try {
      await action(new FormData(e.currentTarget as HTMLFormElement));
    } catch (error) {
      setState({ busy: false, error });
    }
  };
  return { ...state, onSubmit };
}

export function SignIn({ loc }: { loc: Location }) {
  useTitle('Sign in');
  const next = safeNext(loc);
  const { busy, error, onSubmit } = useSubmit(async (f) => {
    await signIn(String(f.get('email')), String(f.get('password')));
    navigate(next, { replace: true });
  });
  return (
    <section class="narrow" aria-labelledby="signin-title">
      <h1 id="signin-title">Sign in</h1>
      <form onSubmit={onSubmit} class="stack">
        <label>
          Email
          <input type="email" name="email" autoComplete="username" required />
        </label>
        <label>
          Password
          <input type="password" name="password" autoComplete="current-password" required />
        </label>
        <ErrorBox error={error} />
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <p>
        New here? <Link href={`/register?next=${encodeURIComponent(next)}`}>Create an account</Link>
      </p>
    </section>
  );
}

export function Register({ loc }: { loc: Location }) {
  useTitle('Create an account');
  const next = safeNext(loc);
  const { busy, error, onSubmit } = useSubmit(async (f) => {
    const email = String(f.get('email'));
    const password = String(f.get('password'));
    await post('/api/auth/register', { email, password, name: String(f.get('name')) }, { auth: false });
    await signIn(email, password);
    navigate(next, { replace: true });
  });
  return (
    <section class="narrow" aria-labelledby="register-title">
      <h1 id="register-title">Create an account</h1>
      <form onSubmit={onSubmit} class="stack">
        <label>
          Name
          <input name="name" autoComplete="name" required maxLength={100} />
        </label>
        <label>
          Email
          <input type="email" name="email" autoComplete="email" required />
        </label>
        <label>
          Password
          <input type="password" name="password" autoComplete="new-password" required minLength={8} aria-describedby="pw-hint" />
        </label>
        <p id="pw-hint" class="muted small">
          At least 8 characters, not your email.
        </p>
        <ErrorBox error={error} />
        <button type="submit" disabled={busy}>
          {busy ? 'Creating your account…' : 'Create account'}
        </button>
      </form>
      <p>
        Have an account? <Link href={`/signin?next=${encodeURIComponent(next)}`}>Sign in</Link>
      </p>
    </section>
  );
}
