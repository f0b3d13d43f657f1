/**
 * The response schemas of the API, one named OpenAPI component per shape the services return.
 * Handlers are typed against them (app.openapi checks each c.json body at compile time), and the
 * response check (response-check.ts) parses what is actually sent against them in tests.
 */
export * from './response-schemas/approval-map.js';
export * from './response-schemas/audit.js';
export * from './response-schemas/cases.js';
export * from './response-schemas/common.js';
export * from './response-schemas/coordination.js';
export * from './response-schemas/partners.js';
export * from './response-schemas/projects.js';
export * from './response-schemas/public.js';
export * from './response-schemas/reports.js';
export * from './response-schemas/results.js';
export * from './response-schemas/token-revocations.js';
