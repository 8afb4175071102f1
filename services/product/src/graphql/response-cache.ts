import { createHash } from 'node:crypto';
import type { Cache } from '@shop/cache';
import { BREAK, print, visit, type DocumentNode, type ExecutionResult, type OperationDefinitionNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/** Root fields whose answer is the same for every caller: the catalogue. */
const PUBLIC_ROOTS = new Set(['products', 'product', 'categories', 'creator', '__typename']);
export const CATALOG_NAMESPACE = 'graphql-catalog';
/**
 * Fields whose answers change without a product event (co-purchase counts): a query that asks
 * for one is not stored here; the REST answer below it is cached and invalidated on its own.
 */
const UNCACHED_FIELDS = new Set(['recommendations']);

function asksUncachedField(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    Field(node) {
      if (!UNCACHED_FIELDS.has(node.name.value)) return undefined;
      found = true;
      return BREAK;
    },
  });
  return found;
}

class NotCacheable extends Error {
  constructor(readonly result: ExecutionResult) {
    super('a result with errors is not cached');
  }
}

function cacheableOperation(document: DocumentNode, operationName?: string | null): boolean {
  const ops = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition');
  const op = operationName ? ops.find((o) => o.name?.value === operationName) : ops.length === 1 ? ops[0] : undefined;
  if (!op || op.operation !== 'query' || asksUncachedField(document)) return false;
  // Fragments at the root would hide which fields are asked; such a query simply is not cached.
  return op.selectionSet.selections.every((s) => s.kind === 'Field' && PUBLIC_ROOTS.has(s.name.value));
}

/**
 * A Redis response cache for catalogue queries (products, product, categories, creator): the whole
 * result under a key made of the catalogue's version and the query with its variables.
 * product.*.v1 and creator.updated.v1 events bump the version (messaging/graphql-cache.consumer.ts), which makes
 * every cached answer unreachable at once, as the REST listing cache does. Results with
 * errors are never stored. `extensions.responseCache` says hit or miss.
 */
export function catalogResponseCache(cache: Cache, ttlSeconds: number): Plugin {
  return {
    onExecute({ args, executeFn, setExecuteFn }) {
      if (!cacheableOperation(args.document, args.operationName)) return;
      setExecuteFn(async (execArgs) => {
        const version = await cache.version(CATALOG_NAMESPACE);
        const hash = createHash('sha256')
          .update(print(execArgs.document))
          .update('\0')
          .update(execArgs.operationName ?? '')
          .update('\0')
          .update(JSON.stringify(execArgs.variableValues ?? {}))
          .digest('base64url');
        try {
          const { value, hit } = await cache.getOrLoad(`q:${version}:${hash}`, { ttlSeconds }, async () => {
            const result = (await executeFn(execArgs)) as ExecutionResult;
            if (result.errors?.length) throw new NotCacheable(result);
            return result;
          });
          return { ...value, extensions: { ...value.extensions, responseCache: hit ? 'hit' : 'miss' } };
        } catch (err) {
          if (err instanceof NotCacheable) return err.result;
          throw err;
        }
      });
    },
  };
}
