import type { OpenAPIHono } from '@hono/zod-openapi';
import { createApp } from '../../functions/http/app.js';
import { type AppEnv, createLocalSigner, type LocalSigner } from '../../functions/http/auth.js';
import type { Actor, Stage } from '../../shared/domain/model.js';
import {
  applicant,
  type Harness,
  makeHarness,
  ORG_A,
  reviewer,
  supervisor,
  windowOfficer,
} from './province-harness.js';

/**
 * The real HTTP app over a harness (embedded store, local ASL runner, real services), driven
 * in-process with `app.request(...)`; tokens are signed per actor by an in-memory local signer.
 */

export const ISSUER = 'green-channel-local-JS';
export const AUDIENCE = 'green-channel';

export const actors = {
  applicantA: applicant(ORG_A).actor,
  windowOfficer: windowOfficer.actor,
  supervisor: supervisor.actor,
  reviewer: (department: string): Actor => reviewer(department).actor,
  auditor: { id: 'auditor-1', name: '第三方评估机构', role: 'auditor' } as Actor,
  admin: { id: 'admin-1', name: '系统管理员', role: 'admin' } as Actor,
};

export interface ApiResponse {
  status: number;
  headers: Headers;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are inspected loosely in tests
  body: any;
}

export interface RequestOptions {
  /** serialized as JSON with content-type application/json */
  json?: unknown;
  /** sent as is, with content-type application/json (e.g. malformed JSON) */
  raw?: string;
  headers?: Record<string, string>;
}

export class ApiClient {
  private constructor(
    readonly h: Harness,
    readonly app: OpenAPIHono<AppEnv>,
    readonly signer: LocalSigner,
  ) {}

  static async create(options: Parameters<typeof makeHarness>[0] = {}): Promise<ApiClient> {
    const h = makeHarness(options);
    const signer = await createLocalSigner({ issuer: ISSUER, audience: AUDIENCE });
    const app = createApp(h.services, { verifier: signer.verifier(), checkResponses: true });
    return new ApiClient(h, app, signer);
  }

  token(actor: Actor, ttlSeconds?: number): Promise<string> {
    return this.signer.sign(actor, ttlSeconds);
  }

  /** `who`: an actor (a fresh token is signed), a raw token string, or undefined (no Authorization). */
  async request(
    who: Actor | string | undefined,
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<ApiResponse> {
    const headers: Record<string, string> = { ...options.headers };
    if (who !== undefined) {
      const token = typeof who === 'string' ? who : await this.token(who);
      headers.authorization = `Bearer ${token}`;
    }
    let body: string | undefined;
    if (options.json !== undefined || options.raw !== undefined) {
      body = options.raw ?? JSON.stringify(options.json);
      headers['content-type'] ??= 'application/json';
    }
    const res = await this.app.request(path, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, headers: res.headers, text, body: parsed };
  }

  get(who: Actor | string | undefined, path: string, headers?: Record<string, string>) {
    return this.request(who, 'GET', path, headers ? { headers } : {});
  }

  post(who: Actor | string | undefined, path: string, json?: unknown, headers?: Record<string, string>) {
    return this.request(who, 'POST', path, {
      ...(json !== undefined ? { json } : {}),
      ...(headers ? { headers } : {}),
    });
  }

  put(who: Actor | string | undefined, path: string, json?: unknown, headers?: Record<string, string>) {
    return this.request(who, 'PUT', path, {
      ...(json !== undefined ? { json } : {}),
      ...(headers ? { headers } : {}),
    });
  }

  stop(): Promise<void> {
    return this.h.stop();
  }

  /** Every material of the chosen items plus the stage's required ones (optionally leaving some out). */
  materialsFor(stage: Stage, itemCodes: string[] = [], omit: string[] = []): { code: string }[] {
    const province = this.h.province;
    const cfg = province.stages.find((s) => s.stage === stage)!;
    const codes = new Set(
      cfg.items
        .filter((i) => i.required || itemCodes.includes(i.code))
        .flatMap((i) => province.items.find((x) => x.code === i.code)!.materials),
    );
    return [...codes].filter((c) => !omit.includes(c)).map((code) => ({ code }));
  }
}

let serial = 700;
/** A valid 投资项目统一代码 (Jiangsu), unique within the test run. */
export function nextProjectCode(): string {
  serial += 1;
  return `2026-320000-48-01-${String(serial).padStart(6, '0')}`;
}

export function projectBody(projectCode = nextProjectCode(), overrides: Record<string, unknown> = {}) {
  return {
    projectCode,
    name: `沿江城际铁路配套工程${projectCode.slice(-3)}`,
    ownerName: ORG_A.name,
    category: 'provincialKey',
    location: { city: '南京市', district: '江宁区' },
    investmentWan: 50_000,
    governmentInvested: true,
    ...overrides,
  };
}

/** `"3"` → 3 */
export const versionOf = (res: ApiResponse): number => Number(res.headers.get('etag')?.replace(/"/g, ''));
