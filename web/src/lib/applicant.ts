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
 * POST /materials with the file's bytes. XMLHttpRequest rather than fetch: only it reports upload
 * progress, which a person sending a 20 MB drawing over a slow line needs to see.
 */
export function uploadMaterial(file: File, onProgress: (percent: number) => void): Promise<Uploaded> {
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
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(xhr.responseText) as Record<string, unknown>;
      } catch {
        body = {};
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(100);
        resolve(body as unknown as Uploaded);
        return;
      }
      reject(
        new ApiProblem(
          xhr.status,
          typeof body.code === 'string' ? body.code : `HTTP_${xhr.status}`,
          typeof body.title === 'string' ? body.title : '上传失败，请稍后重试',
          typeof body.detail === 'string' ? body.detail : undefined,
        ),
      );
    };
    xhr.onerror = () => reject(new ApiProblem(0, 'NETWORK', '无法连接服务器，请检查网络后重试'));
    xhr.send(file);
  });
}
