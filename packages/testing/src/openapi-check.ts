import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS: its default export arrives wrapped under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => void;

type Doc = { paths: Record<string, Record<string, { responses?: Record<string, unknown> }>> };

const escape = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * Checks real responses against a service's OpenAPI 3.1 document, so the document
 * cannot drift from what the service sends. Throws with ajv's errors on a mismatch.
 */
export function openApiChecker(doc: object) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(doc, 'api');
  const paths = (doc as Doc).paths;

  return function check(method: string, pathTemplate: string, status: number, body: unknown): void {
    const operation = paths[pathTemplate]?.[method.toLowerCase()];
    if (!operation) throw new Error(`OpenAPI has no ${method} ${pathTemplate}`);
    const responses = operation.responses ?? {};
    const key = String(status) in responses ? String(status) : `${String(status)[0]}XX` in responses ? `${String(status)[0]}XX` : 'default';
    if (!(key in responses)) throw new Error(`OpenAPI has no ${status} response for ${method} ${pathTemplate}`);
    const pointer = ['paths', pathTemplate, method.toLowerCase(), 'responses', key, 'content', 'application/json', 'schema'].map(escape).join('/');
    const validate = ajv.compile({ $ref: `api#/${pointer}` });
    if (!validate(body)) {
      throw new Error(`${method} ${pathTemplate} ${status} does not match its OpenAPI schema: ${ajv.errorsText(validate.errors)}`);
    }
  };
}
