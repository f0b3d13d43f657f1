import { ApiProblem, api, call, type ResponseOf } from '../api/client';
import { token } from '../auth/session';

/** What the applicant pages share: the catalogue (read once), names of codes, and file uploads with progress. */

export type CatalogueDoc = ResponseOf<'/catalogue', 'get'>;
export type ProjectDoc = ResponseOf<'/projects/{projectId}', 'get'>;
export type CaseDoc = ResponseOf<'/cases/{caseId}', 'get'>;
export type Uploaded = ResponseOf<'/materials', 'post'>;

let cached: Promise<CatalogueDoc> | undefined;
/** The catalogue changes with a deployment, not during a session. */
export function catalogue(): Promise<CatalogueDoc> {
  cached ??= call(api.GET('/catalogue')).catch((err) => {
    cached = undefined;
    throw err;
  });
  return cached;
}

export function materialNameOf(cat: CatalogueDoc | undefined, code: string): string {
  return cat?.materials.find((m) => m.code === code)?.name ?? code;
}
export function itemNameOf(cat: CatalogueDoc | undefined, code: string): string {
  return cat?.items.find((i) => i.code === code)?.name ?? code;
}
export function departmentNameOf(cat: CatalogueDoc | undefined, code: string): string {
  return cat?.departments.find((d) => d.code === code)?.name ?? code;
}

/**
 * 上传材料 of any size (up to the province's limit, 200 MB by default): the file's SHA-256 is
 * computed here, the API issues a presigned URL for exactly those bytes, the bytes go straight to
 * the storage (S3 on AWS, which refuses other bytes; the API itself locally), and the API records the
 * material once the storage confirms the hash. API Gateway could not carry a large drawing itself.
 */
export async function uploadMaterial(file: File, onProgress: (percent: number) => void): Promise<Uploaded> {
  // crypto.subtle exists only in a secure context (https, or localhost): elsewhere small files go
  // the old way, through the API.
  if (!globalThis.crypto?.subtle) return uploadThroughApi(file, onProgress);
  const contentType = file.type || 'application/octet-stream';
  const digest = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
  const sha256 = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
  const issued = await call(
    api.POST('/materials/uploads', {
      body: { sha256, size: file.size, contentType, filename: file.name },
    }),
  );
  await send(issued.upload.method, issued.upload.url, issued.upload.headers, file, onProgress);
  const stored = await call(
    api.POST('/materials/uploads/{sha256}/complete', { params: { path: { sha256 } } }),
  );
  onProgress(100);
  return stored;
}

/**
 * The bytes to a presigned URL. XMLHttpRequest rather than fetch: only it reports upload progress,
 * which a person sending a 100 MB drawing over a slow line needs to see.
 */
function send(
  method: string,
  url: string,
  headers: Record<string, string>,
  file: File,
  onProgress: (percent: number) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, url);
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (e) => {
      // the last percent is the confirmation
      if (e.lengthComputable) onProgress(Math.min(99, Math.round((e.loaded / e.total) * 100)));
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) return resolve();
      // the local store answers problem+json; S3 answers XML, whose codes mean nothing to a person
      reject(problemOf(xhr, '文件内容未能保存，请重新选择文件上传'));
    };
    xhr.onerror = () => reject(new ApiProblem(0, 'NETWORK', '无法连接存储服务，请检查网络后重试'));
    xhr.send(file);
  });
}

function problemOf(xhr: XMLHttpRequest, fallback: string): ApiProblem {
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(xhr.responseText) as Record<string, unknown>;
  } catch {
    body = {};
  }
  return new ApiProblem(
    xhr.status,
    typeof body.code === 'string' ? body.code : `HTTP_${xhr.status}`,
    typeof body.title === 'string' ? body.title : fallback,
    typeof body.detail === 'string' ? body.detail : undefined,
  );
}

/** POST /materials with the file's bytes: files up to 20 MB, where the browser cannot hash. */
function uploadThroughApi(file: File, onProgress: (percent: number) => void): Promise<Uploaded> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/materials');
    const t = token();
    if (t) xhr.setRequestHeader('authorization', `Bearer ${t}`);
    xhr.setRequestHeader('content-type', file.type || 'application/octet-stream');
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(Math.round((e.loaded / e.total) * 100));
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(100);
        resolve(JSON.parse(xhr.responseText) as Uploaded);
        return;
      }
      reject(problemOf(xhr, '上传失败，请稍后重试'));
    };
    xhr.onerror = () => reject(new ApiProblem(0, 'NETWORK', '无法连接服务器，请检查网络后重试'));
    xhr.send(file);
  });
}
