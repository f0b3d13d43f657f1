import { ApiProblem, api, call, type ResponseOf } from '../api/client';

/**
 * What the supervision and audit pages share: the shapes of the documents and reports they read,
 * listing every status of a list, and report downloads that keep the token in a header.
 *
 * While an operation's generated response type is still a loose `{ [key: string]: unknown }`, the
 * shapes below stand in for it (mirroring shared/domain); once the API publishes its real schema the
 * generated type wins and every page is checked against what the API really answers.
 */
export type Shaped<Generated, Fallback> = [Generated] extends [never]
  ? Fallback
  : string extends keyof Generated
    ? Fallback
    : Generated;

/**
 * Reads a generated answer as its shape: `shaped<Fallback>()(answer)`, the identity once the
 * generated type is precise (curried so the answer's own type is inferred).
 */
export function shaped<Fallback>() {
  return <Generated>(value: Generated): Shaped<Generated, Fallback> => value as Shaped<Generated, Fallback>;
}

/**
 * A report's JSON form: a report operation also answers CSV and HTML, so its generated answer is
 * the report or a string; without `?format=` it is always the report.
 */
export function jsonOnly<T>(value: T): Exclude<T, string> {
  if (typeof value === 'string') throw new ApiProblem(0, 'NOT_JSON', '报表格式不正确，请刷新后重试');
  return value as Exclude<T, string>;
}

type Instant = string;
type IsoDate = string;

export interface EscalationRecordShape {
  level: number;
  role: 'reviewer' | 'departmentLead' | 'firstReceiver' | 'workingGroup' | 'chairLeader';
  nameZh: string;
  address: string;
  at: Instant;
  overdueDays: number;
}

export interface ProjectShape {
  id: string;
  projectCode: string;
  name: string;
  owner: { creditCode: string; name: string };
  category: string;
  location: { city: string; district?: string; address?: string };
  investmentWan: number;
  governmentInvested: boolean;
  promisedCompletion?: IsoDate;
  admission: {
    status: 'notApplied' | 'pending' | 'admitted' | 'rejected' | 'exited';
    priority?: number;
    eligibility?: {
      eligible: boolean;
      priority?: number;
      reasons: { code: string; messageZh: string; passed: boolean }[];
    };
    appliedAt?: Instant;
    decidedAt?: Instant;
    decidedBy?: string;
    reasons?: string;
  };
  annualReviews?: {
    year: number;
    late: boolean;
    reasonsZh: string[];
    excusable?: { reasonZh: string; evidence: string[]; by: string; at: Instant };
    reviewedAt: Instant;
  }[];
  exitProposal?: { year: number; at: Instant; reasonsZh: string[] };
  createdAt: Instant;
  version: number;
}

export interface CaseShape {
  id: string;
  projectId: string;
  projectCode: string;
  projectName: string;
  applicant: { creditCode: string; name: string };
  stage: string;
  priority?: number;
  status: string;
  submittedAt: Instant;
  closedAt?: Instant;
  items: { code: string; name: string; department: string; status: string }[];
  version: number;
}

export interface ComplaintShape {
  id: string;
  caseId: string;
  projectCode: string;
  creditCode: string;
  textZh: string;
  status: 'open' | 'handling' | 'closed';
  filedAt: Instant;
  filedBy: string;
  handling: { at: Instant; by: string; noteZh: string }[];
  closedAt?: Instant;
  resolutionZh?: string;
  version: number;
}

interface PageShape<T> {
  items: T[];
  nextCursor?: string;
}

export type ProjectPage = Shaped<ResponseOf<'/projects', 'get'>, PageShape<ProjectShape>>;
export type Project = ProjectPage['items'][number];
export type CasePage = Shaped<ResponseOf<'/cases', 'get'>, PageShape<CaseShape>>;
export type StageCase = CasePage['items'][number];
export type ComplaintPage = Shaped<ResponseOf<'/complaints', 'get'>, PageShape<ComplaintShape>>;
export type Complaint = ComplaintPage['items'][number];

export type CaseProgressView = Shaped<
  ResponseOf<'/cases/{caseId}/progress', 'get'>,
  { progress: { lamp: 'green' | 'yellow' | 'red'; step: string } }
>;

export type YearlyRunResult = Shaped<
  ResponseOf<'/exit-reviews/{year}', 'post'>,
  { year: number; reviewed: string[]; late: string[]; proposed: string[]; skipped: string[] }
>;

export interface AuditEventShape {
  eventId?: string;
  stream: string;
  seq: number;
  prevHash: string;
  hash: string;
  type: string;
  actor: string;
  at: Instant;
  data: Record<string, unknown>;
}
export type AuditTrail = Shaped<ResponseOf<'/cases/{caseId}/audit', 'get'>, { events: AuditEventShape[] }>;
export type ChainVerification = Shaped<
  ResponseOf<'/cases/{caseId}/audit/verification', 'get'>,
  {
    valid: boolean;
    length: number;
    firstBrokenSeq?: number;
    reason?: 'hashMismatch' | 'prevHashMismatch' | 'seqGap';
    headHash: string;
  }
>;

interface ReportHeader {
  province: string;
  provinceName: string;
  generatedAt: Instant;
}

export interface DispatchRowShape {
  kind: 'item' | 'acceptance';
  caseId: string;
  projectCode: string;
  projectName: string;
  stage: string;
  stageNameZh: string;
  itemCode?: string;
  itemName: string;
  department?: string;
  departmentName?: string;
  firstReceiver?: string;
  lamp: 'red' | 'yellow';
  dueDate: IsoDate;
  daysOver: number;
  remainingDays: number;
  clockStopped: boolean;
  escalationLevel: number;
  history: EscalationRecordShape[];
}

export type WeeklyDispatch = Shaped<
  ResponseOf<'/reports/weekly-dispatch', 'get'>,
  ReportHeader & {
    kind: 'weeklyDispatch';
    asOf: IsoDate;
    red: number;
    yellow: number;
    rows: DispatchRowShape[];
  }
>;

interface TimelinessShape {
  decidedItems: number;
  approved: number;
  rejected: number;
  onTime: number;
  overdue: number;
  onTimeRate: number | null;
  avgDaysUsed: number | null;
  avgPromisedDays: number | null;
  avgStatutoryDays: number | null;
  recognised: number;
}

export interface BulletinRowShape extends TimelinessShape {
  code: string;
  nameZh: string;
  department?: string;
  departmentName?: string;
  casesHandled: number;
  satisfactionAvg: number | null;
  satisfactionCount: number;
  rank?: number;
}

export type MonthlyBulletin = Shaped<
  ResponseOf<'/reports/monthly-bulletin', 'get'>,
  ReportHeader & {
    kind: 'monthlyBulletin';
    month: string;
    byDepartment: BulletinRowShape[];
    byItem: BulletinRowShape[];
    total: Omit<BulletinRowShape, 'code' | 'nameZh' | 'rank'>;
  }
>;

export type AnnualEvaluation = Shaped<
  ResponseOf<'/reports/annual-evaluation', 'get'>,
  ReportHeader & {
    kind: 'annualEvaluation';
    year: number;
    scope: { cases: number; closedCases: number };
    timeliness: TimelinessShape & { compressionRatio: number | null; workingDaysSavedVsStatutory: number };
    serviceQuality: {
      satisfaction: {
        average: number | null;
        distribution: Record<'1' | '2' | '3' | '4' | '5', number>;
        responses: number;
        closedCases: number;
        responseRate: number | null;
      };
      complaints: { filed: number; closed: number; open: number; avgWorkingDaysToClose: number | null };
    };
    integrityRisk: {
      decisionsOutsideWorkingHours: {
        count: number;
        decisions: {
          caseId: string;
          itemCode: string;
          department: string;
          by: string;
          at: Instant;
          localTime: string;
          reason: 'nonWorkingDay' | 'outsideHours';
        }[];
      };
      repeatedDeficiencyWithoutSupplement: {
        count: number;
        organisations: {
          creditCode: string;
          name?: string;
          marks: number;
          marksInYear: number;
          caseIds: string[];
        }[];
      };
      frequentReassignment: {
        count: number;
        threshold: number;
        items: { caseId: string; itemCode: string; department: string; reassignments: number }[];
      };
      reversedDecisions: {
        count: number;
        decisions: {
          caseId: string;
          itemCode: string;
          department: string;
          decidedAt: Instant;
          revokedAt: Instant;
          revokedBy: string;
          reasonZh: string;
        }[];
      };
    };
    auditTrail: {
      casesChecked: number;
      valid: number;
      broken: { caseId: string; firstBrokenSeq?: number }[];
    };
  }
>;

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
        const page = shaped<PageShape<ProjectShape>>()(
          await call(
            api.GET('/projects', {
              params: { query: { status, limit: 100, ...(cursor ? { cursor } : {}) } },
            }),
          ),
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
        const page = shaped<PageShape<CaseShape>>()(
          await call(
            api.GET('/cases', { params: { query: { status, limit: 100, ...(cursor ? { cursor } : {}) } } }),
          ),
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
  path: '/reports/weekly-dispatch' | '/reports/monthly-bulletin' | '/reports/annual-evaluation',
  query: Record<string, string | number>,
  fallbackName: string,
): Promise<void> {
  const params = { query: { ...query, format: 'csv' } } as never;
  const { data, error, response } = await api.GET(path, { params, parseAs: 'blob' });
  if (error !== undefined || !response.ok || !(data instanceof Blob)) {
    // the problem body was consumed as a blob: read it back as JSON for its Chinese title
    let title = '下载失败，请稍后重试';
    try {
      const body = JSON.parse(await (data instanceof Blob ? data.text() : Promise.resolve(''))) as {
        title?: string;
      };
      if (body.title) title = body.title;
    } catch {
      // keep the generic message
    }
    throw new ApiProblem(response.status, `HTTP_${response.status}`, title);
  }
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
