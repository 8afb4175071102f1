/** The app shell: header, the route table, and lazily loaded admin and drop pages. */
import { render, type ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import './styles.css';
import { cart } from './cart.ts';
import { useSession } from './hooks.ts';
import { session } from './session.ts';
import { Link, match, navigate, useLocation, type Location } from './router.tsx';
import { Loading } from './ui.tsx';
import { Catalog } from './pages/Catalog.tsx';
import { ProductPage } from './pages/ProductPage.tsx';
import { CartPage } from './pages/CartPage.tsx';
import { Register, SignIn } from './pages/Auth.tsx';
import { Checkout } from './pages/Checkout.tsx';
import { OrderList, OrderStatusPage } from './pages/Orders.tsx';

type Props = { params: Record<string, string>; loc: Location };

/** A page whose code is fetched only when someone opens it (admin, drop). */
function lazyPage(load: () => Promise<{ default: ComponentType<Props> }>): ComponentType<Props> {
  let Loaded: ComponentType<Props> | null = null;
  return function LazyPage(props: Props) {
    const [, ready] = useState(0);
    useEffect(() => {
      if (!Loaded) void load().then((m) => ((Loaded = m.default), ready(1)));
    }, []);
    return Loaded ? <Loaded {...props} /> : <Loading />;
  };
}

const DropPage = lazyPage(() => import('./pages/DropPage.tsx'));
const Admin = lazyPage(() => import('./pages/admin/Admin.tsx'));

interface Route {
  path: string;
  page: ComponentType<Props>;
  signedIn?: boolean;
}

const ROUTES: Route[] = [
  { path: '/', page: ({ loc }) => <Catalog loc={loc} /> },
  { path: '/products/:id', page: ({ params }) => <ProductPage id={params.id} /> },
  { path: '/cart', page: () => <CartPage /> },
  { path: '/signin', page: ({ loc }) => <SignIn loc={loc} /> },
  { path: '/register', page: ({ loc }) => <Register loc={loc} /> },
  { path: '/checkout', page: () => <Checkout />, signedIn: true },
  { path: '/orders', page: () => <OrderList />, signedIn: true },
  { path: '/orders/:id', page: ({ params }) => <OrderStatusPage id={params.id} />, signedIn: true },
  { path: '/drops/:id', page: DropPage },
  { path: '/admin', page: Admin, signedIn: true },
  { path: '/admin/:section', page: Admin, signedIn: true },
  { path: '/admin/:section/:id', page: Admin, signedIn: true },
];

function CartBadge() {
  const [count, setCount] = useState<number | null>(null);
  useEffect(() => {
    const off = cart.subscribe((c) => setCount(c.itemCount));
    void cart.load().then((c) => setCount(c?.itemCount ?? 0), () => setCount(null));
    return off;
  }, []);
  return <Link href="/cart">Cart{count ? <span class="badge"> ({count})</span> : null}</Link>;
}

function Header({ quiet }: { quiet: boolean }) {
  const s = useSession();
  const logout = async () => {
    await session.logout();
    navigate('/');
  };
  return (
    <header class="top">
      <Link href="/" class="brand">
        dropshop
      </Link>
      <nav aria-label="Main">
        <Link href="/">Shop</Link>
        {/* The drop page shows no cart badge: no request it does not need under a crowd. */}
        {quiet ? <Link href="/cart">Cart</Link> : <CartBadge key={s?.userId ?? 'guest'} />}
        {s ? <Link href="/orders">Orders</Link> : null}
        {s?.roles.includes('admin') ? <Link href="/admin">Admin</Link> : null}
        {s ? (
          <button type="button" class="link" onClick={logout}>
            Sign out <span class="muted">({s.email || s.name})</span>
          </button>
        ) : (
          <Link href={`/signin?next=${encodeURIComponent(location.pathname + location.search)}`}>Sign in</Link>
        )}
      </nav>
    </header>
  );
}

function App() {
  const loc = useLocation();
  const s = useSession();
  let found: { route: Route; params: Record<string, string> } | null = null;
  for (const route of ROUTES) {
    const params = match(route.path, loc.path);
    if (params) {
      found = { route, params };
      break;
    }
  }
  const needsSignIn = found?.route.signedIn && !s;
  useEffect(() => {
    if (needsSignIn) navigate(`/signin?next=${encodeURIComponent(loc.path + location.search)}`, { replace: true });
  }, [needsSignIn, loc.path]);
  const Page = found?.route.page;
  return (
    <>
      <a href="#main" class="skip">
        Skip to content
      </a>
      <Header quiet={loc.path.startsWith('/drops/')} />
      <main id="main">
        {!Page ? (
          <p>
            This page does not exist. <Link href="/">Go to the shop</Link>
          </p>
        ) : needsSignIn ? null : (
          <Page params={found!.params} loc={loc} />
        )}
      </main>
    </>
  );
}

render(<App />, document.getElementById('app')!);
