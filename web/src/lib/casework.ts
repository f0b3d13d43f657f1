import { ApiProblem, api, call, type ResponseOf } from '../api/client';
import { token } from '../auth/session';

/** What the window and review pages share: today's date in Beijing, the catalogue, material content. */

export type Catalogue = ResponseOf<'/catalogue', 'get'>;
export type StageCaseDoc = ResponseOf<'/cases/{caseId}', 'get'>;

let catalogue: Promise<Catalogue> | undefined;
/** The province catalogue changes with a deployment, not during a session: read it once. */
export function loadCatalogue(): Promise<Catalogue> {
  catalogue ??= call(api.GET('/catalogue')).catch((err) => {
    catalogue = undefined;
    throw err;
  });
  return catalogue;
}

export function materialName(cat: Catalogue | undefined, code: string): string {
  return cat?.materials.find((m) => m.code === code)?.name ?? code;
}

export function departmentName(cat: Catalogue | undefined, code: string): string {
  return cat?.departments.find((d) => d.code === code)?.name ?? code;
}

const dayFormat = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});
/** Today as `YYYY-MM-DD` in Beijing, the calendar every time limit is counted in. */
export function todayShanghai(): string {
  return dayFormat.format(new Date());
}

export const DEFICIENCY_STATUS_ZH: Record<string, string> = {
  open: '待补齐',
  supplemented: '已补齐',
  overdue: '逾期未补',
};

export const ACCEPTANCE_OUTCOME_ZH: Record<string, string> = {
  accept: '受理',
  acceptWithDeficiencies: '容缺受理',
  correction: '一次性告知补正',
  refuse: '不予受理',
};

/** Types the browser can show in place; anything else is offered as a download. */
export function previewable(contentType: string): 'pdf' | 'image' | undefined {
  if (contentType === 'application/pdf') return 'pdf';
  if (/^image\/(png|jpeg|gif|webp)$/.test(contentType)) return 'image';
  return undefined;
}

/**
 * A case material's content as an object URL. Fetched with the Authorization header, because a
 * token in a link would land in history, logs and Referer headers.
 */
export async function fetchMaterial(
  caseId: string,
  sha256: string,
): Promise<{ url: string; contentType: string }> {
  let res: Response;
  try {
    res = await fetch(`/cases/${encodeURIComponent(caseId)}/materials/${encodeURIComponent(sha256)}`, {
      headers: { authorization: `Bearer ${token() ?? ''}` },
    });
  } catch {
    throw new ApiProblem(0, 'NETWORK', '无法连接服务器，请检查网络后重试');
  }
  if (!res.ok) {
    const p = (await res.json().catch(() => ({}))) as { code?: string; title?: string; detail?: string };
    throw new ApiProblem(res.status, p.code ?? `HTTP_${res.status}`, p.title ?? '材料获取失败', p.detail);
  }
  const blob = await res.blob();
  const contentType = (res.headers.get('content-type') ?? blob.type).split(';')[0]!.trim();
  return { url: URL.createObjectURL(blob), contentType };
}
