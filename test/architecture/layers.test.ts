import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The layering rules of DESIGN.md, checked on every import of every source file: the domain is
 * pure, services speak only to ports, the AWS SDK lives in AWS adapters and AWS wiring, handlers
 * hold no business rules and infra holds no domain logic.
 */
const ROOT = resolve(import.meta.dirname, '../..');

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** Import specifiers of a file, resolved to repo-relative paths for relative imports. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const specs = [
    ...text.matchAll(
      /(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^import\s+['"]([^'"]+)['"]/gm,
    ),
  ]
    .map((m) => m[1] ?? m[2] ?? m[3] ?? '')
    .filter(Boolean);
  return specs.map((s) => (s.startsWith('.') ? relative(ROOT, resolve(ROOT, file, '..', s)) : s));
}

const layers = ['shared', 'functions', 'infra', 'statemachines'].flatMap(sourceFiles);
const HTTP_DOMAIN_IMPORTS = [
  'shared/domain/model.js',
  'shared/domain/errors.js',
  'shared/domain/audit-chain.js',
  'shared/domain/codes.js',
  // the rate limit's bucket arithmetic (limits.ts keeps the state)
  'shared/domain/token-bucket.js',
];
const isRelative = (s: string) => /^(shared|functions|infra|statemachines)\//.test(s);

function violations(files: string[], allowed: (spec: string, file: string) => boolean) {
  return files.flatMap((f) =>
    importsOf(f)
      .filter((s) => !allowed(s, f))
      .map((s) => `${f} → ${s}`),
  );
}

describe('layering', () => {
  it('the domain core imports only itself, config types and small pure libraries', () => {
    const files = layers.filter((f) => f.startsWith('shared/domain/'));
    expect(files.length).toBeGreaterThan(5);
    const bad = violations(
      files,
      (s) =>
        s.startsWith('shared/domain/') ||
        s.startsWith('shared/config/province-config') ||
        s.startsWith('shared/ports/') ||
        ['zod', 'chinese-days', 'node:crypto'].includes(s) ||
        s.startsWith('chinese-days/'),
    );
    expect(bad).toEqual([]);
  });

  it('services use ports, never adapters, AWS, HTTP or the file system', () => {
    const files = layers.filter((f) => f.startsWith('shared/services/'));
    const bad = violations(
      files,
      (s) =>
        s.startsWith('shared/domain/') ||
        s.startsWith('shared/ports/') ||
        s.startsWith('shared/config/') ||
        s.startsWith('shared/services/') ||
        s === 'zod',
    );
    expect(bad).toEqual([]);
  });

  it('rendering (CSV, HTML) sits at the edge: it reads domain values and the types services return', () => {
    const files = layers.filter((f) => f.startsWith('shared/render/'));
    expect(files.length).toBeGreaterThan(2);
    const bad = violations(
      files,
      (s) =>
        s.startsWith('shared/domain/') || s.startsWith('shared/render/') || s.startsWith('shared/services/'),
    );
    // a value import of a service would pull data loading into rendering
    const serviceValues = files.flatMap((f) =>
      [
        ...readFileSync(join(ROOT, f), 'utf8').matchAll(
          /^import\s+(?!type\s)[^;]*?from\s+'(\.\.\/services\/[^']+)'/gm,
        ),
      ].map((m) => `${f} → ${m[1]}`),
    );
    expect([...bad, ...serviceValues]).toEqual([]);
  });

  it('the AWS SDK is imported only by AWS adapters and AWS wiring', () => {
    const awsAllowed =
      /^(shared\/adapters\/(dynamodb|sfn|eventbridge|signing|blobs|console|checkpoints|secrets)\/|functions\/(aws|lambda)\/)/;
    const bad = layers.flatMap((f) =>
      importsOf(f)
        .filter((s) => s.startsWith('@aws-sdk/') && !awsAllowed.test(f))
        .map((s) => `${f} → ${s}`),
    );
    expect(bad).toEqual([]);
  });

  it('HTTP handlers translate only: no adapters, no domain rules beyond types and schemas', () => {
    const files = layers.filter((f) => f.startsWith('functions/http/'));
    const bad = violations(files, (s) => {
      if (!isRelative(s)) return !s.startsWith('@aws-sdk/') && s !== 'better-sqlite3';
      if (
        s.startsWith('functions/http/') ||
        s.startsWith('shared/services/') ||
        s.startsWith('shared/render/') ||
        s.startsWith('shared/ports/')
      )
        return true;
      // model.ts holds the enumerations the request schemas reuse; errors and the hash helper are
      // plumbing; token claims reuse the credit-code validator rather than a second copy of it.
      return HTTP_DOMAIN_IMPORTS.includes(s);
    });
    expect(bad).toEqual([]);
  });

  it('infra imports config, the ASL loader and table design, never domain logic or services', () => {
    const files = layers.filter((f) => f.startsWith('infra/'));
    const bad = violations(files, (s) => {
      if (!isRelative(s)) return !s.startsWith('@aws-sdk/');
      return (
        s.startsWith('infra/') ||
        s.startsWith('statemachines/') ||
        s.startsWith('shared/config/') ||
        s.startsWith('shared/adapters/dynamodb/table-design') ||
        // the bus rule patterns are defined once, for CDK and the local bus alike
        s === 'shared/domain/cross-province-rules.js'
      );
    });
    expect(bad).toEqual([]);
  });

  it('the Lambda entry points never reach the embedded store', () => {
    const files = layers.filter((f) => f.startsWith('functions/lambda/') || f.startsWith('functions/aws/'));
    const bad = violations(
      files,
      (s) => s !== 'better-sqlite3' && !s.includes('adapters/sqlite') && !s.includes('local-workflow'),
    );
    expect(bad).toEqual([]);
  });
});
