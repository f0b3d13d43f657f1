/**
 * Amazon EventBridge event-pattern matching, for the in-process bus that stands in for EventBridge
 * locally (the same patterns are deployed as EventBridge rules by CDK).
 *
 * Semantics follow the EventBridge user guide ("Creating event patterns", "Arrays in event patterns",
 * "Content filtering in event patterns", "Comparison operators"):
 * - every field named in the pattern must match (AND); the values of a leaf array are alternatives (OR);
 * - a leaf matches a scalar event value by exact, case-sensitive equality (strings, numbers, booleans,
 *   null); if the event value is an array, it matches when any element matches;
 * - nested pattern objects match nested event objects (for an array of objects: any one element);
 * - operators: prefix, suffix (both also with equals-ignore-case), equals-ignore-case, wildcard,
 *   anything-but (values, lists, prefix, suffix, equals-ignore-case, wildcard), numeric, exists, cidr,
 *   and `$or` at any level;
 * - a field missing from the event matches nothing except `{ "exists": false }`; `exists` looks only at
 *   leaf values, so a field whose value is an object (or an empty array) does not "exist".
 *
 * `matchesPattern` assumes a pattern that `validatePattern` accepts; on an invalid pattern it does not
 * throw, an operator it does not understand simply matches nothing.
 */

export type PatternScalar = string | number | boolean | null;

type IgnoreCase = { 'equals-ignore-case': string };
type LowerBound = '>' | '>=';
type UpperBound = '<' | '<=';

/** `['=', 5]`, `['>', 0]`, `['<=', 5]` or a range with the lower bound first: `['>', 0, '<=', 5]` */
export type NumericCondition =
  | readonly ['=', number]
  | readonly [LowerBound | UpperBound, number]
  | readonly [LowerBound, number, UpperBound, number];

export type AnythingBut =
  | string
  | number
  | readonly string[]
  | readonly number[]
  | { prefix: string }
  | { suffix: string }
  | { 'equals-ignore-case': string | readonly string[] }
  | { wildcard: string | readonly string[] };

export type PatternOperator =
  | { prefix: string | IgnoreCase }
  | { suffix: string | IgnoreCase }
  | { 'equals-ignore-case': string }
  | { wildcard: string }
  | { 'anything-but': AnythingBut }
  | { numeric: NumericCondition }
  | { exists: boolean }
  | { cidr: string };

/** one alternative of a leaf array */
export type PatternValue = PatternScalar | PatternOperator;

/** A field maps to a nested pattern or to a leaf array of alternatives; `$or` holds sub-patterns. */
export type EventPattern = {
  [field: string]: EventPattern | readonly PatternValue[] | readonly EventPattern[];
};

export type PatternValidation = { valid: true } | { valid: false; errors: string[] };

const OR = '$or';

// ---------------------------------------------------------------------------------------------------
// matching

export function matchesPattern(pattern: EventPattern, event: unknown): boolean {
  return matchObject(pattern, event);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function flatten(values: readonly unknown[]): unknown[] {
  return values.flatMap((v) => (Array.isArray(v) ? flatten(v) : [v]));
}

function matchObject(pattern: EventPattern, value: unknown): boolean {
  if (Array.isArray(value)) {
    const elements = flatten(value);
    // an empty array holds no leaf: only "absent" conditions (exists: false) can hold
    if (elements.length === 0) return matchObject(pattern, undefined);
    return elements.some((element) => matchObject(pattern, element));
  }
  const obj = isPlainObject(value) ? value : undefined;
  for (const [key, sub] of Object.entries(pattern)) {
    if (key === OR) {
      const branches = Array.isArray(sub) ? (sub as readonly unknown[]) : [];
      if (!branches.some((branch) => isPlainObject(branch) && matchObject(branch as EventPattern, obj))) {
        return false;
      }
      continue;
    }
    const child = obj !== undefined && Object.hasOwn(obj, key) ? obj[key] : undefined;
    if (Array.isArray(sub)) {
      if (!matchLeaf(sub as readonly unknown[], child)) return false;
    } else if (isPlainObject(sub)) {
      if (!matchObject(sub as EventPattern, child)) return false;
    } else {
      return false;
    }
  }
  return true;
}

type Leaf = string | number | boolean | null;

/** the leaf values found at a field: none if absent or an object, every element of an array */
function leavesOf(value: unknown): Leaf[] {
  if (value === null) return [null];
  if (Array.isArray(value)) return value.flatMap(leavesOf);
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return [value];
    case 'number':
      return Number.isFinite(value) ? [value] : [];
    default:
      return [];
  }
}

function matchLeaf(alternatives: readonly unknown[], value: unknown): boolean {
  const leaves = leavesOf(value);
  return alternatives.some((alternative) => {
    if (isPlainObject(alternative) && Object.hasOwn(alternative, 'exists')) {
      return alternative.exists === true ? leaves.length > 0 : leaves.length === 0;
    }
    return leaves.some((leaf) => matchValue(alternative, leaf));
  });
}

function matchValue(matcher: unknown, leaf: Leaf): boolean {
  if (!isPlainObject(matcher)) return matcher === leaf;
  const keys = Object.keys(matcher);
  if (keys.length !== 1) return false;
  const op = keys[0]!;
  const arg = matcher[op];
  switch (op) {
    case 'prefix':
      return typeof leaf === 'string' && affix(arg, leaf, (s, p) => s.startsWith(p));
    case 'suffix':
      return typeof leaf === 'string' && affix(arg, leaf, (s, p) => s.endsWith(p));
    case 'equals-ignore-case':
      return typeof leaf === 'string' && typeof arg === 'string' && fold(leaf) === fold(arg);
    case 'wildcard':
      return typeof leaf === 'string' && typeof arg === 'string' && wildcardMatches(arg, leaf);
    case 'anything-but':
      return anythingBut(arg, leaf);
    case 'numeric':
      return typeof leaf === 'number' && Array.isArray(arg) && numericMatches(arg, leaf);
    case 'cidr':
      return typeof leaf === 'string' && typeof arg === 'string' && cidrContains(arg, leaf);
    default:
      return false;
  }
}

function fold(s: string): string {
  return s.toLowerCase();
}

/** prefix/suffix argument: a string, or `{ 'equals-ignore-case': string }` */
function affix(arg: unknown, leaf: string, test: (s: string, affix: string) => boolean): boolean {
  if (typeof arg === 'string') return test(leaf, arg);
  if (isPlainObject(arg) && typeof arg['equals-ignore-case'] === 'string' && Object.keys(arg).length === 1) {
    return test(fold(leaf), fold(arg['equals-ignore-case']));
  }
  return false;
}

function stringList(arg: unknown): string[] | undefined {
  if (typeof arg === 'string') return [arg];
  if (Array.isArray(arg) && arg.every((x) => typeof x === 'string')) return arg as string[];
  return undefined;
}

/**
 * anything-but with values (a value or a list) is the negation of exact matching on a present leaf;
 * the string variants (prefix, suffix, equals-ignore-case, wildcard) only match string leaves.
 */
function anythingBut(arg: unknown, leaf: Leaf): boolean {
  if (typeof arg === 'string' || typeof arg === 'number') return leaf !== arg;
  if (Array.isArray(arg)) return !arg.includes(leaf);
  if (!isPlainObject(arg) || Object.keys(arg).length !== 1 || typeof leaf !== 'string') return false;
  if (typeof arg.prefix === 'string') return !leaf.startsWith(arg.prefix);
  if (typeof arg.suffix === 'string') return !leaf.endsWith(arg.suffix);
  const ignoreCase = stringList(arg['equals-ignore-case']);
  if (ignoreCase) return ignoreCase.every((x) => fold(x) !== fold(leaf));
  const wildcards = stringList(arg.wildcard);
  if (wildcards) return wildcards.every((w) => !wildcardMatches(w, leaf));
  return false;
}

function numericMatches(condition: readonly unknown[], value: number): boolean {
  if (condition.length === 0 || condition.length % 2 !== 0) return false;
  for (let i = 0; i < condition.length; i += 2) {
    const op = condition[i];
    const bound = condition[i + 1];
    if (typeof bound !== 'number') return false;
    const ok =
      op === '='
        ? value === bound
        : op === '>'
          ? value > bound
          : op === '>='
            ? value >= bound
            : op === '<'
              ? value < bound
              : op === '<='
                ? value <= bound
                : false;
    if (!ok) return false;
  }
  return true;
}

// wildcard: `*` is any sequence (possibly empty), `\*` a literal star, `\\` a literal backslash

/** the literal pieces between unescaped stars, or an error message */
function wildcardSegments(pattern: string): string[] | string {
  const segments: string[] = [];
  let current = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      const next = pattern[i + 1];
      if (next !== '*' && next !== '\\') return `invalid escape at position ${i} (only \\* and \\\\)`;
      current += next;
      i++;
    } else if (c === '*') {
      if (pattern[i + 1] === '*') return `consecutive wildcard characters at position ${i}`;
      segments.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  segments.push(current);
  return segments;
}

function wildcardMatches(pattern: string, value: string): boolean {
  const segments = wildcardSegments(pattern);
  if (typeof segments === 'string') return false;
  if (segments.length === 1) return value === segments[0];
  const first = segments[0]!;
  const last = segments[segments.length - 1]!;
  if (value.length < first.length + last.length) return false;
  if (!value.startsWith(first) || !value.endsWith(last)) return false;
  let pos = first.length;
  const end = value.length - last.length;
  for (const middle of segments.slice(1, -1)) {
    const at = value.indexOf(middle, pos);
    if (at < 0 || at + middle.length > end) return false;
    pos = at + middle.length;
  }
  return true;
}

// IP addresses (IPv4 and IPv6) as integers

type Ip = { bits: 32 | 128; value: bigint };

function parseIpv4(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    value = (value << 8n) | BigInt(n);
  }
  return value;
}

function parseIpv6(s: string): bigint | undefined {
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const groupsOf = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    const pieces = part.split(':');
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i]!;
      if (i === pieces.length - 1 && piece.includes('.')) {
        const v4 = parseIpv4(piece);
        if (v4 === undefined) return undefined;
        out.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
      } else if (/^[0-9a-fA-F]{1,4}$/.test(piece)) {
        out.push(Number.parseInt(piece, 16));
      } else {
        return undefined;
      }
    }
    return out;
  };
  const head = groupsOf(halves[0]!);
  const tail = halves.length === 2 ? groupsOf(halves[1]!) : [];
  if (!head || !tail) return undefined;
  let groups: number[];
  if (halves.length === 2) {
    const missing = 8 - head.length - tail.length;
    if (missing < 1) return undefined;
    groups = [...head, ...Array<number>(missing).fill(0), ...tail];
  } else {
    groups = head;
  }
  if (groups.length !== 8) return undefined;
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}

function parseIp(s: string): Ip | undefined {
  if (s.includes(':')) {
    const value = parseIpv6(s);
    return value === undefined ? undefined : { bits: 128, value };
  }
  const value = parseIpv4(s);
  return value === undefined ? undefined : { bits: 32, value };
}

function parseCidr(s: string): { network: Ip; length: number } | undefined {
  const slash = s.indexOf('/');
  if (slash < 0) return undefined;
  const network = parseIp(s.slice(0, slash));
  const lengthText = s.slice(slash + 1);
  if (!network || !/^\d{1,3}$/.test(lengthText)) return undefined;
  const length = Number(lengthText);
  if (length > network.bits) return undefined;
  return { network, length };
}

function cidrContains(cidr: string, address: string): boolean {
  const block = parseCidr(cidr);
  const ip = parseIp(address);
  if (!block || !ip || ip.bits !== block.network.bits) return false;
  const shift = BigInt(ip.bits - block.length);
  return ip.value >> shift === block.network.value >> shift;
}

// ---------------------------------------------------------------------------------------------------
// validation

/** Checks a pattern the way EventBridge's PutRule would (a reasonable subset of its rules). */
export function validatePattern(pattern: unknown): PatternValidation {
  const errors: string[] = [];
  if (!isPlainObject(pattern)) {
    errors.push('pattern: must be a JSON object');
  } else {
    validateObject(pattern, '', errors);
  }
  return errors.length === 0 ? { valid: true } : { valid: false, errors };
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function validateObject(pattern: Record<string, unknown>, path: string, errors: string[]): void {
  const where = path === '' ? 'pattern' : path;
  const entries = Object.entries(pattern);
  if (entries.length === 0) errors.push(`${where}: must not be an empty object`);
  for (const [key, value] of entries) {
    const at = join(path, key);
    if (key === OR) {
      if (!Array.isArray(value) || value.length < 2) {
        errors.push(`${at}: must be an array of at least two patterns`);
        continue;
      }
      value.forEach((branch, i) => {
        if (isPlainObject(branch)) validateObject(branch, `${at}[${i}]`, errors);
        else errors.push(`${at}[${i}]: must be a pattern object`);
      });
    } else if (Array.isArray(value)) {
      if (value.length === 0) errors.push(`${at}: must not be an empty array`);
      value.forEach((v, i) => {
        validateValue(v, `${at}[${i}]`, errors);
      });
    } else if (isPlainObject(value)) {
      validateObject(value, at, errors);
    } else {
      errors.push(`${at}: must be an array of values or a nested pattern object`);
    }
  }
}

function isScalar(v: unknown): boolean {
  return v === null || typeof v === 'string' || typeof v === 'boolean' || isNumber(v);
}

function isNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function validateValue(v: unknown, at: string, errors: string[]): void {
  if (isScalar(v)) return;
  if (!isPlainObject(v)) {
    errors.push(`${at}: must be a string, number, boolean, null or an operator object`);
    return;
  }
  const keys = Object.keys(v);
  if (keys.length !== 1) {
    errors.push(`${at}: an operator object must have exactly one key, got ${keys.length}`);
    return;
  }
  const op = keys[0]!;
  const arg = v[op];
  const opAt = `${at}.${op}`;
  switch (op) {
    case 'prefix':
    case 'suffix':
      if (typeof arg === 'string') return;
      if (
        isPlainObject(arg) &&
        Object.keys(arg).length === 1 &&
        typeof arg['equals-ignore-case'] === 'string'
      ) {
        return;
      }
      errors.push(`${opAt}: must be a string or { "equals-ignore-case": string }`);
      return;
    case 'equals-ignore-case':
      if (typeof arg !== 'string') errors.push(`${opAt}: must be a string`);
      return;
    case 'wildcard':
      validateWildcard(arg, opAt, errors);
      return;
    case 'anything-but':
      validateAnythingBut(arg, opAt, errors);
      return;
    case 'numeric':
      validateNumeric(arg, opAt, errors);
      return;
    case 'exists':
      if (typeof arg !== 'boolean') errors.push(`${opAt}: must be true or false`);
      return;
    case 'cidr':
      if (typeof arg !== 'string' || parseCidr(arg) === undefined) {
        errors.push(`${opAt}: must be an IPv4 or IPv6 CIDR block such as "10.0.0.0/24"`);
      }
      return;
    default:
      errors.push(`${at}: unknown operator "${op}"`);
  }
}

function validateWildcard(arg: unknown, at: string, errors: string[]): void {
  if (typeof arg !== 'string') {
    errors.push(`${at}: must be a string`);
    return;
  }
  const segments = wildcardSegments(arg);
  if (typeof segments === 'string') errors.push(`${at}: ${segments}`);
}

function validateAnythingBut(arg: unknown, at: string, errors: string[]): void {
  if (typeof arg === 'string' || isNumber(arg)) return;
  if (Array.isArray(arg)) {
    const allStrings = arg.every((x) => typeof x === 'string');
    const allNumbers = arg.every(isNumber);
    if (arg.length === 0 || !(allStrings || allNumbers)) {
      errors.push(`${at}: a list must be non-empty and hold only strings or only numbers`);
    }
    return;
  }
  if (!isPlainObject(arg)) {
    errors.push(`${at}: must be a string, a number, a list of them, or an operator object`);
    return;
  }
  const keys = Object.keys(arg);
  if (keys.length !== 1) {
    errors.push(`${at}: an operator object must have exactly one key, got ${keys.length}`);
    return;
  }
  const op = keys[0]!;
  const inner = arg[op];
  switch (op) {
    case 'prefix':
    case 'suffix':
      if (typeof inner !== 'string') errors.push(`${at}.${op}: must be a string`);
      return;
    case 'equals-ignore-case':
    case 'wildcard': {
      const list = Array.isArray(inner) ? inner : [inner];
      if (list.length === 0 || !list.every((x) => typeof x === 'string')) {
        errors.push(`${at}.${op}: must be a string or a non-empty list of strings`);
        return;
      }
      if (op === 'wildcard') {
        list.forEach((w, i) => {
          validateWildcard(w, Array.isArray(inner) ? `${at}.${op}[${i}]` : `${at}.${op}`, errors);
        });
      }
      return;
    }
    default:
      errors.push(`${at}: "${op}" cannot be used inside anything-but`);
  }
}

function validateNumeric(arg: unknown, at: string, errors: string[]): void {
  const bad = (why: string) => errors.push(`${at}: ${why}`);
  if (!Array.isArray(arg) || (arg.length !== 2 && arg.length !== 4)) {
    bad('must be [op, number] or [lower-op, number, upper-op, number]');
    return;
  }
  for (let i = 0; i < arg.length; i += 2) {
    if (!['=', '<', '<=', '>', '>='].includes(arg[i])) {
      bad(`unknown numeric operator ${JSON.stringify(arg[i])}`);
      return;
    }
    if (!isNumber(arg[i + 1])) {
      bad(`operand of "${arg[i]}" must be a finite number`);
      return;
    }
  }
  if (arg.length === 4) {
    const [lowOp, low, highOp, high] = arg as [string, number, string, number];
    if (lowOp !== '>' && lowOp !== '>=') bad('a range must start with a lower bound (">" or ">=")');
    else if (highOp !== '<' && highOp !== '<=') bad('a range must end with an upper bound ("<" or "<=")');
    else if (!(low < high)) bad(`empty range: lower bound ${low} is not below upper bound ${high}`);
  }
}
