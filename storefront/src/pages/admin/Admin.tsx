/** The admin area (admin role only): products, drops and a drop's live view. Loaded on demand. */
import { useSession, useTitle } from '../../hooks.ts';
import { Link, type Location } from '../../router.tsx';
import { AdminProducts } from './AdminProducts.tsx';
import { AdminDrops } from './AdminDrops.tsx';

export default function Admin({ params }: { params: Record<string, string>; loc: Location }) {
  useTitle('Admin');
  const s = useSession();
  if (!s?.roles.includes('admin')) {
    return (
      <p role="alert">
        This area is for admins. <Link href="/signin?next=/admin">Sign in with an admin account</Link>
      </p>
    );
  }
  const section = params.section ?? 'products';
  return (
    <>
      <nav aria-label="Admin" class="filters">
        <Link href="/admin/products" aria-current={section === 'products' ? 'page' : undefined}>
          Products
        </Link>
        <Link href="/admin/drops" aria-current={section === 'drops' ? 'page' : undefined}>
          Drops
        </Link>
      </nav>
      {section === 'drops' ? <AdminDrops id={params.id} /> : <AdminProducts />}
    </>
  );
}
