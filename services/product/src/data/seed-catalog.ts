import type { NewProduct } from '../domain/product.js';

/** Demo data, deterministic so that every run builds the same catalog. */
export const DROP_PRODUCT_ID = 'd1000000-0000-4000-8000-000000000001';
export const DROP_SKU = 'DROP-001';

export const SEED_CATEGORIES = [
  ['Hoodies', 'hoodies'], ['T-Shirts', 't-shirts'], ['Caps', 'caps'], ['Sneakers', 'sneakers'],
  ['Consoles', 'consoles'], ['Games', 'games'], ['Headphones', 'headphones'], ['Posters', 'posters'],
  ['Vinyl', 'vinyl'], ['Mugs', 'mugs'], ['Backpacks', 'backpacks'], ['Collectibles', 'collectibles'],
] as const;

/** The demo's creators (slug, name, bio); products take them in turn, the drop the first. */
export const SEED_CREATORS = [
  ['nova-studio', 'Nova Studio', 'Streetwear from a two-person studio; every drop is one run.'],
  ['pixel-arcade', 'Pixel Arcade', 'Games, consoles and the merch of the channel of the same name.'],
  ['vinyl-hour', 'Vinyl Hour', 'A record label and its weekly listening party.'],
  ['lumen-audio', 'Lumen Audio', 'Headphones tuned by the people who mix the tracks.'],
  ['paper-tigers', 'Paper Tigers', 'Posters, prints and pins by an illustrators\' collective.'],
  ['trail-and-tide', 'Trail & Tide', 'Bags, mugs and caps for people who are rarely at home.'],
] as const;

export const seedCreatorAvatar = (slug: string) => `https://images.example.com/creators/${slug}.png`;

/** The seed product number n (SKU SEED-0000n) belongs to this creator slug; the drop to the first. */
export const creatorSlugOf = (n: number): string => SEED_CREATORS[n % SEED_CREATORS.length][0];

const NOUNS: Record<string, string[]> = {
  hoodies: ['Hoodie', 'Zip Hoodie', 'Pullover'], 't-shirts': ['Tee', 'Long Sleeve Tee', 'Tank Top'],
  caps: ['Cap', 'Beanie', 'Bucket Hat'], sneakers: ['Sneaker', 'High-Top', 'Runner'],
  consoles: ['Console', 'Handheld', 'Controller'], games: ['Game', 'Deluxe Edition', 'Season Pass'],
  headphones: ['Headphones', 'Earbuds', 'Headset'], posters: ['Poster', 'Art Print', 'Canvas'],
  vinyl: ['LP', 'Double LP', '7" Single'], mugs: ['Mug', 'Travel Mug', 'Tumbler'],
  backpacks: ['Backpack', 'Tote', 'Messenger Bag'], collectibles: ['Figure', 'Pin Set', 'Trading Cards'],
};
const ADJECTIVES = ['Midnight', 'Neon', 'Classic', 'Retro', 'Arctic', 'Sunset', 'Urban', 'Vintage', 'Cosmic', 'Forest',
  'Electric', 'Velvet', 'Crimson', 'Ocean', 'Golden', 'Shadow', 'Pixel', 'Lunar', 'Desert', 'Glitch'];
const COLLECTIONS = ['Tour 2025', 'Studio', 'Essentials', 'Archive', 'Signature', 'Collab', 'Origins', 'Afterparty'];
const BASE_PRICE: Record<string, number> = {
  hoodies: 5500, 't-shirts': 2500, caps: 2200, sneakers: 9000, consoles: 39900, games: 5999,
  headphones: 12900, posters: 1500, vinyl: 2800, mugs: 1400, backpacks: 6500, collectibles: 3500,
};

/** A tiny deterministic generator (mulberry32): the same catalog on every machine. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function seedProducts(count: number, categoryIds: Map<string, string>, creatorIds: Map<string, string> = new Map()): NewProduct[] {
  const rnd = random(20250101);
  const pick = <T>(list: readonly T[]) => list[Math.floor(rnd() * list.length)];
  const products: NewProduct[] = [];
  for (let n = 1; n <= count; n++) {
    const [category, slug] = SEED_CATEGORIES[n % SEED_CATEGORIES.length];
    const name = `${pick(ADJECTIVES)} ${pick(NOUNS[slug])} — ${pick(COLLECTIONS)}`;
    const price = Math.round((BASE_PRICE[slug] * (0.6 + rnd() * 0.9)) / 100) * 100 - 1;
    products.push({
      sku: `SEED-${String(n).padStart(5, '0')}`,
      name,
      description: `${name}. Part of the ${category.toLowerCase()} range; ships in 2–4 working days.`,
      price,
      currency: 'EUR',
      categoryId: categoryIds.get(slug),
      imageUrl: `https://images.example.com/products/seed-${n}.jpg`,
      initialStock: 50 + Math.floor(rnd() * 451),
      creatorId: creatorIds.get(creatorSlugOf(n)),
    });
  }
  return products;
}

export function dropProduct(categoryIds: Map<string, string>, creatorIds: Map<string, string> = new Map()): NewProduct {
  return {
    id: DROP_PRODUCT_ID,
    sku: DROP_SKU,
    name: 'Creator Hoodie — Limited Drop',
    description: 'The limited drop: one run, never restocked. DROP-001.',
    price: 6900,
    currency: 'EUR',
    categoryId: categoryIds.get('hoodies'),
    imageUrl: 'https://images.example.com/products/drop-001.jpg',
    initialStock: 100,
    maxPerCustomer: 2,
    creatorId: creatorIds.get(SEED_CREATORS[0][0]),
  };
}
