/** Where the built console's files come from: web/dist locally, the console bucket on AWS. */
export interface ConsoleAssets {
  /** `path` is relative to the build root, e.g. `index.html`, `assets/index-3f2a.js` */
  get(path: string): Promise<{ bytes: Uint8Array; contentType: string } | undefined>;
}

const CONTENT_TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
  png: 'image/png',
  ico: 'image/x-icon',
  woff: 'font/woff',
  woff2: 'font/woff2',
  ttf: 'font/ttf',
  json: 'application/json',
};

/** The content type of a built file, from its extension. */
export function contentTypeOf(path: string): string {
  const ext = path.slice(path.lastIndexOf('.') + 1).toLowerCase();
  return CONTENT_TYPES[ext] ?? 'application/octet-stream';
}
