/**
 * Headers of material content served from the API's own origin. An uploader declares the content
 * type, so only types a browser shows without running anything (PDF, images) open inline; anything
 * else, text/html included, is a download, and nosniff stops the browser guessing otherwise.
 */
const INLINE_TYPES = /^(application\/pdf|image\/(png|jpeg|gif|webp))$/i;

export function materialHeaders(contentType: string, fileName?: string): Record<string, string> {
  const disposition = INLINE_TYPES.test(contentType) ? 'inline' : 'attachment';
  const name = fileName !== undefined ? `; filename*=UTF-8''${encodeURIComponent(fileName)}` : '';
  return {
    'content-type': contentType,
    'content-disposition': `${disposition}${name}`,
    'cache-control': 'private, no-store',
    'x-content-type-options': 'nosniff',
  };
}
