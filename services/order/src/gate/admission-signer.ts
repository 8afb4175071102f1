import { randomUUID } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair, importJWK, jwtVerify, type CryptoKey, type JWK } from 'jose';
import type { Db } from '@shop/db';
import type { AdmissionSigner } from '../domain/drop-ports.js';
import type { AdmissionPass } from '../domain/drop-types.js';
import { findSigningKey, insertSigningKey } from '../data/drop.repository.js';

const ISSUER = 'dropshop/order';
const AUDIENCE = 'dropshop/admission';
/** Signed tokens kept (live holds); a drop admits at most a few thousand at a time. */
const MAX_SIGNED = 20_000;

/**
 * Admission tokens: EdDSA (Ed25519) JWTs, `sub` the buyer, `drop`/`pid` the drop and its
 * product, `hold` the admission number, `qty` the units held, `exp` the hold's expiry.
 * Ed25519 verifies in ~50 µs from memory, so a bot's forged or missing token is refused
 * before the request touches Redis or Postgres. Every replica uses one key pair: from
 * DROP_ADMISSION_KEY (a private JWK) when set, else the first one stored in Postgres.
 */
export class JoseAdmissionSigner implements AdmissionSigner {
  private keys?: Promise<{ kid: string; privateKey: CryptoKey; publicKey: CryptoKey; publicJwk: JWK }>;
  /**
   * The token of each live hold, signed once: an admitted buyer polls every few seconds until
   * it orders, and an Ed25519 signature per poll was the largest single cost of those polls.
   */
  private readonly signed = new Map<string, { token: Promise<string>; expiresAt: number }>();

  constructor(
    private readonly db: Db,
    private readonly configuredJwk?: string,
  ) {}

  /** Loads (or creates) the key pair; called at boot so the first order finds it in memory. */
  ready(): Promise<unknown> {
    this.keys ??= this.load().catch((err) => {
      this.keys = undefined;
      throw err;
    });
    return this.keys;
  }

  private async load() {
    let jwk: JWK & { kid?: string };
    if (this.configuredJwk) jwk = JSON.parse(this.configuredJwk) as JWK;
    else {
      let stored = await findSigningKey(this.db);
      if (!stored) {
        const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
        await insertSigningKey(this.db, randomUUID(), (await exportJWK(privateKey)) as Record<string, unknown>);
        stored = (await findSigningKey(this.db))!;
      }
      jwk = { ...(stored.privateJwk as JWK), kid: stored.kid };
    }
    const kid = jwk.kid ?? 'drop-admission';
    const publicJwk: JWK = { kty: jwk.kty, crv: jwk.crv, x: jwk.x, kid, alg: 'EdDSA', use: 'sig' };
    const privateKey = (await importJWK({ ...jwk, alg: 'EdDSA' }, 'EdDSA')) as CryptoKey;
    const publicKey = (await importJWK(publicJwk, 'EdDSA')) as CryptoKey;
    return { kid, privateKey, publicKey, publicJwk };
  }

  async publicJwks(): Promise<{ keys: JWK[] }> {
    return { keys: [(await this.ready().then(() => this.keys!)).publicJwk] };
  }

  sign(pass: AdmissionPass): Promise<string> {
    const key = `${pass.dropId}:${pass.userId}:${pass.holdNo}:${pass.quantity}:${pass.expiresAt}`;
    const hit = this.signed.get(key);
    if (hit) return hit.token;
    const now = Date.now();
    if (this.signed.size >= MAX_SIGNED) {
      for (const [k, v] of this.signed) if (v.expiresAt <= now || this.signed.size >= MAX_SIGNED) this.signed.delete(k);
    }
    const token = this.signNow(pass);
    this.signed.set(key, { token, expiresAt: pass.expiresAt });
    token.catch(() => this.signed.delete(key));
    return token;
  }

  private async signNow(pass: AdmissionPass): Promise<string> {
    const { kid, privateKey } = await this.ready().then(() => this.keys!);
    return new SignJWT({ drop: pass.dropId, pid: pass.productId, hold: pass.holdNo, qty: pass.quantity })
      .setProtectedHeader({ alg: 'EdDSA', kid, typ: 'admission+jwt' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject(pass.userId)
      .setJti(`${pass.dropId}:${pass.holdNo}`)
      .setIssuedAt()
      .setExpirationTime(Math.floor(pass.expiresAt / 1000))
      .sign(privateKey);
  }

  async verify(token: string): Promise<AdmissionPass | undefined> {
    const { publicKey } = await this.ready().then(() => this.keys!);
    try {
      // No clock tolerance: the hold ends at exp, to the second.
      const { payload } = await jwtVerify(token, publicKey, { algorithms: ['EdDSA'], issuer: ISSUER, audience: AUDIENCE, typ: 'admission+jwt' });
      const { sub, drop, pid, hold, qty, exp } = payload as Record<string, unknown>;
      if (typeof sub !== 'string' || typeof drop !== 'string' || typeof pid !== 'string' || typeof hold !== 'number' || typeof qty !== 'number') return undefined;
      return { userId: sub, dropId: drop, productId: pid, holdNo: hold, quantity: qty, expiresAt: Number(exp) * 1000 };
    } catch {
      return undefined;
    }
  }
}
