import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  API_TYPES_FILE,
  generateApiTypes,
  servedOpenApiDocument,
} from '../../functions/local/openapi-types.js';

/** The console's client types are generated from the served spec; they may never drift apart. */
describe("the console's generated API types", () => {
  it('are exactly what openapi-typescript makes of the served /openapi.json (run npm run gen:api)', async () => {
    const committed = readFileSync(API_TYPES_FILE, 'utf8');
    const fresh = await generateApiTypes();
    expect(committed === fresh, 'web/src/api/schema.d.ts differs from the spec: run npm run gen:api').toBe(
      true,
    );
  });

  it('type every operation the console calls, responses included', async () => {
    const committed = readFileSync(API_TYPES_FILE, 'utf8');
    const doc = (await servedOpenApiDocument()) as { paths: Record<string, Record<string, unknown>> };
    for (const path of ['/cases/{caseId}/progress', '/acceptance-queue', '/inbox', '/console/demo-users']) {
      expect(Object.keys(doc.paths)).toContain(path);
      expect(committed).toContain(`"${path}": {`);
    }
    // no operation answers an untyped object any more
    const untyped = committed.match(/\[key: string\]: unknown;/g) ?? [];
    // three open maps remain on purpose: AuditEvent.data (payloads differ by event type), the signed
    // payload inside a partner's inbound event (checked by signature and the receiver's own schemas)
    // and Problem.details (what a rule knows differs by error code)
    expect(untyped.length).toBeLessThanOrEqual(3);
  });
});
