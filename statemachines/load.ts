import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Loader for the ASL definitions. Used by CDK (which inlines the rendered text so template tests
 * can see it) and by the local runner (which runs the very same definition in-process).
 */

/** A state of an ASL definition; only `Type` is typed because callers treat states as data. */
export type AslState = { Type: string } & Record<string, unknown>;

export interface AslDefinition {
  Comment?: string;
  StartAt: string;
  States: Record<string, AslState>;
  TimeoutSeconds?: number;
  [field: string]: unknown;
}

/** Resolved relative to this module, so it works from tsx, vitest and the CDK app alike. */
export const STAGE_CASE_ASL_URL = new URL('./stage-case.asl.json', import.meta.url);
export const STAGE_CASE_ASL_PATH = fileURLToPath(STAGE_CASE_ASL_URL);

/** Every `${Name}` the stage-case definition expects. */
export const PLACEHOLDERS = ['TaskFunctionArn'] as const;
export type PlaceholderName = (typeof PLACEHOLDERS)[number];

// Only identifier-like names: CDK tokens such as `${Token[TOKEN.12]}` never match, so a substituted
// token is not mistaken for a leftover placeholder.
const PLACEHOLDER_PATTERN = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

let cachedText: string | undefined;

/** A fresh parsed copy on every call: callers (and asl-validator) may mutate it. */
export function loadStageCaseDefinition(): AslDefinition {
  cachedText ??= readFileSync(STAGE_CASE_ASL_PATH, 'utf8');
  return JSON.parse(cachedText) as AslDefinition;
}

/** The distinct placeholder names used in a definition (object or JSON text), in order of appearance. */
export function listPlaceholders(def: AslDefinition | string): string[] {
  const text = typeof def === 'string' ? def : JSON.stringify(def);
  const names = new Set<string>();
  for (const match of text.matchAll(PLACEHOLDER_PATTERN)) {
    if (match[1] !== undefined) names.add(match[1]);
  }
  return [...names];
}

/**
 * Substitutes every `${Name}` and returns the JSON text. Throws when a placeholder has no value or a
 * value has no placeholder: both mean the definition and its wiring drifted apart. Replacement is a
 * single pass over the template, so values (e.g. CDK tokens) are never rescanned.
 */
export function renderDefinition(def: AslDefinition, substitutions: Record<string, string>): string {
  const text = JSON.stringify(def);
  const used = listPlaceholders(text);
  const missing = used.filter((name) => !Object.hasOwn(substitutions, name));
  const unused = Object.keys(substitutions).filter((name) => !used.includes(name));
  if (missing.length > 0 || unused.length > 0) {
    const parts: string[] = [];
    if (missing.length > 0) parts.push(`no value for placeholder(s) ${missing.join(', ')}`);
    if (unused.length > 0) parts.push(`unused substitution(s) ${unused.join(', ')}`);
    throw new Error(`renderDefinition: ${parts.join('; ')}`);
  }
  return text.replace(PLACEHOLDER_PATTERN, (_whole, name: string) => {
    const value = substitutions[name] as string;
    // The placeholder sits inside a JSON string: escape the value as JSON string content.
    return JSON.stringify(value).slice(1, -1);
  });
}
