import { ApiProblem, api, call, type ResponseOf } from '../api/client';
import { token } from '../auth/session';

/**
 * What the supervision and audit pages share: the documents and reports they read (the generated
 * API types), listing every status of a list, and report downloads that keep the token in a header.
 */

/**
 * A report's JSON form: a report operation also answers CSV and HTML, so its generated answer is
 * the report or a string; without `?format=` it is always the report.
 */
export function jsonOnly<T>(value: T): Exclude<T, string> {
  if (typeof value === 'string') throw new ApiProblem(0, 'NOT_JSON', '报表格式不正确，请刷新后重试');
  return value as Exclude<T, string>;
}

export type ProjectPage = ResponseOf<'/projects', 'get'>;
export type Project = ProjectPage['items'][number];
export type CasePage = ResponseOf<'/cases', 'get'>;
export type StageCase = CasePage['items'][number];
export type ComplaintPage = ResponseOf<'/complaints', 'get'>;
export type Complaint = ComplaintPage['items'][number];
export type CaseProgressView = ResponseOf<'/cases/{caseId}/progress', 'get'>;
export type YearlyRunResult = ResponseOf<'/exit-reviews/{year}', 'post'>;
export type AuditTrail = ResponseOf<'/cases/{caseId}/audit', 'get'>;
export type ChainVerification = ResponseOf<'/cases/{caseId}/audit/verification', 'get'>;
export type AuditCheckpointSummary = ResponseOf<'/audit/checkpoints', 'get'>['items'][number];
export type PartnerCheckpoint = ResponseOf<'/audit/partner-checkpoints', 'get'>['items'][number];
export type AuditCheckpointVerification = ResponseOf<'/audit/checkpoints/{checkpointId}/verification', 'get'>;
export type WeeklyDispatch = Exclude<ResponseOf<'/reports/weekly-dispatch', 'get'>, string>;
export type MonthlyBulletin = Exclude<ResponseOf<'/reports/monthly-bulletin', 'get'>, string>;
export type AnnualEvaluation = Exclude<ResponseOf<'/reports/annual-evaluation', 'get'>, string>;
export type DispatchRow = WeeklyDispatch['rows'][number];
export type Analytics = Exclude<ResponseOf<'/reports/analytics', 'get'>, string>;
export type Forecast = Exclude<ResponseOf<'/reports/forecast', 'get'>, string>;
export type Dashboard = Exclude<ResponseOf<'/reports/dashboard', 'get'>, string>;
export type BulletinRow = MonthlyBulletin['byDepartment'][number];
export type EscalationRecord = DispatchRow['history'][number];

export const PROJECT_STATUSES = ['pending', 'admitted', 'rejected', 'exited', 'notApplied'] as const;
export const CASE_STATUSES = [
  'submitted',
  'correctionRequested',
  'underReview',
  'approved',
  'rejected',
  'refused',
  'terminated',
] as const;
export const COMPLAINT_STATUSES = ['open', 'handling', 'closed'] as const;

/** A list has no "every status" query: its index is kept per status, so ask each one. */
const MAX_PAGES = 10;

export async function allProjects(statuses: readonly (typeof PROJECT_STATUSES)[number][] = PROJECT_STATUSES) {
  const lists = await Promise.all(
    statuses.map(async (status) => {
      const out: Project[] = [];
      let cursor: string | undefined;
      for (let i = 0; i < MAX_PAGES; i++) {
        const page = await call(
          api.GET('/projects', {
            params: { query: { status, limit: 100, ...(cursor ? { cursor } : {}) } },
          }),
        );
        out.push(...page.items);
        cursor = page.nextCursor;
        if (!cursor) break;
      }
      return out;
    }),
  );
  return lists.flat();
}

export async function allCases(statuses: readonly (typeof CASE_STATUSES)[number][] = CASE_STATUSES) {
  const lists = await Promise.all(
    statuses.map(async (status) => {
      const out: StageCase[] = [];
      let cursor: string | undefined;
      for (let i = 0; i < MAX_PAGES; i++) {
        const page = await call(
          api.GET('/cases', { params: { query: { status, limit: 100, ...(cursor ? { cursor } : {}) } } }),
        );
        out.push(...page.items);
        cursor = page.nextCursor;
        if (!cursor) break;
      }
      return out;
    }),
  );
  return lists.flat().sort((a, b) => b.submittedAt.localeCompare(a.submittedAt));
}

/** Today in Beijing time, `YYYY-MM-DD`. */
export function todayShanghai(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
}

/**
 * Downloads a report as CSV: fetched with the Authorization header like every call, then handed to
 * the browser as a Blob through a short-lived object URL, so the token never appears in a URL.
 */
export async function downloadReportCsv(
  path:
    | '/reports/weekly-dispatch'
    | '/reports/monthly-bulletin'
    | '/reports/annual-evaluation'
    | '/reports/analytics'
    | '/reports/forecast'
    | '/reports/dashboard',
  query: Record<string, string | number>,
  fallbackName: string,
): Promise<void> {
  // A plain fetch: the three reports take different queries, and this answer is a file, not JSON.
  const search = new URLSearchParams({ format: 'csv' });
  for (const [k, v] of Object.entries(query)) search.set(k, String(v));
  let response: Response;
  try {
    response = await fetch(`${path}?${search}`, { headers: { authorization: `Bearer ${token() ?? ''}` } });
  } catch {
    throw new ApiProblem(0, 'NETWORK', '无法连接服务器，请检查网络后重试');
  }
  if (!response.ok) {
    // a problem+json body carries the Chinese title to show
    const problem = (await response.json().catch(() => ({}))) as { code?: string; title?: string };
    throw new ApiProblem(
      response.status,
      problem.code ?? `HTTP_${response.status}`,
      problem.title ?? '下载失败，请稍后重试',
    );
  }
  const data = await response.blob();
  const disposition = response.headers.get('content-disposition') ?? '';
  const named = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition)?.[1];
  const fileName = named ? decodeURIComponent(named) : fallbackName;
  const url = URL.createObjectURL(data);
  try {
    const a = document.createElement('a');
    a.href = url;
    a.download = fileName;
    document.body.appendChild(a);
    a.click();
    a.remove();
  } finally {
    // after the click has handed the file to the browser; revoking at once can cancel it in some browsers
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
}

/** The first lines of a long hash, enough to compare by eye. */
export function shortHash(hash: string | undefined): string {
  return hash ? `${hash.slice(0, 10)}…` : '—';
}

/** Evidence typed one per line. */
export function lines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}
