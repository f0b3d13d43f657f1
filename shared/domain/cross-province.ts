import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { ProvinceConfig } from '../config/province-config.js';
import { PROJECT_CATEGORIES, STAGES } from './model.js';

/**
 * What one province tells its partners about a cross-province project. Each payload is signed by
 * the origin (shared/domain/signature.ts) and names the event it travels in, so a partner can
 * check where it came from, that it was not altered, and that it was meant for it.
 */

const code = z.string().regex(/^[A-Z]{2}$/);
const sha256 = z.string().regex(/^[0-9a-f]{64}$/);
const common = {
  eventId: z.string().min(1).max(200),
  origin: code,
  projectCode: z.string().min(1).max(64),
  partnerProvinces: z.array(code).min(1).max(20),
};

export const projectSharedSchema = z.strictObject({
  kind: z.literal('projectShared'),
  ...common,
  name: z.string().min(1).max(200),
  owner: z.strictObject({ creditCode: z.string().length(18), name: z.string().min(1).max(200) }),
  category: z.enum(PROJECT_CATEGORIES),
  city: z.string().min(1).max(50),
  investmentWan: z.number().nonnegative(),
  sharedAt: z.string().min(1),
});

export const resultIssuedSchema = z.strictObject({
  kind: z.literal('resultIssued'),
  ...common,
  caseId: z.string().min(1).max(100),
  stage: z.enum(STAGES),
  itemCode: z.string().min(1).max(64),
  itemName: z.string().min(1).max(200),
  department: z.string().min(1).max(64),
  resultNo: z.string().min(1).max(100),
  resultHash: sha256,
  decidedAt: z.string().min(1),
  materials: z.array(z.strictObject({ code: z.string().min(1).max(64), sha256: sha256.optional() })).max(300),
});

export const materialSharedSchema = z.strictObject({
  kind: z.literal('materialShared'),
  ...common,
  materialCode: z.string().min(1).max(64),
  materialName: z.string().min(1).max(200),
  sha256,
  size: z.number().int().nonnegative(),
  contentType: z.string().min(1).max(100),
  sharedAt: z.string().min(1),
});

/** 撤销: the origin revoked an approval it had sent as ResultIssued; partners withdraw its recognition. */
export const resultRevokedSchema = z.strictObject({
  kind: z.literal('resultRevoked'),
  ...common,
  caseId: z.string().min(1).max(100),
  itemCode: z.string().min(1).max(64),
  resultNo: z.string().min(1).max(100),
  resultHash: sha256,
  reasonZh: z.string().min(1).max(1000),
  revokedAt: z.string().min(1),
});

export const crossProvincePayloadSchema = z.discriminatedUnion('kind', [
  projectSharedSchema,
  resultIssuedSchema,
  materialSharedSchema,
  resultRevokedSchema,
]);
export type CrossProvincePayload = z.infer<typeof crossProvincePayloadSchema>;
export type ProjectSharedPayload = z.infer<typeof projectSharedSchema>;
export type ResultIssuedPayload = z.infer<typeof resultIssuedSchema>;
export type MaterialSharedPayload = z.infer<typeof materialSharedSchema>;
export type ResultRevokedPayload = z.infer<typeof resultRevokedSchema>;

/** The domain event type each payload travels in. */
export const EVENT_TYPE_OF_KIND = {
  projectShared: 'ProjectShared',
  resultIssued: 'ResultIssued',
  materialShared: 'MaterialShared',
  resultRevoked: 'ResultRevoked',
} as const;

/** Where a recognised result came from: enough for anyone to check it again. */
export interface Provenance {
  origin: string;
  eventId: string;
  caseId: string;
  itemCode: string;
  resultNo: string;
  resultHash: string;
  contentHash: string;
  signature: string;
  keyId: string;
  decidedAt: string;
  receivedAt: string;
}

/** A revocation the origin announced, as received (signed like the result it revokes). */
export interface PartnerRevocation {
  eventId: string;
  caseId: string;
  itemCode: string;
  resultNo: string;
  resultHash: string;
  reasonZh: string;
  revokedAt: string;
  receivedAt: string;
  contentHash: string;
  signature: string;
  keyId: string;
}

/** A partner's cross-province project as this province sees it: read-only. */
export interface PartnerProject {
  origin: string;
  projectCode: string;
  summary?: Omit<ProjectSharedPayload, 'kind' | 'eventId' | 'origin'> & { eventId: string };
  results: (Provenance & {
    stage: string;
    itemName: string;
    department: string;
    localItems: string[];
    /** the origin revoked this result: it is no longer recognised */
    revoked?: { eventId: string; reasonZh: string; revokedAt: string; receivedAt: string };
  })[];
  materials: (Omit<MaterialSharedPayload, 'kind' | 'origin' | 'projectCode'> & { receivedAt: string })[];
  /**
   * every revocation received, also those whose result has not arrived yet: a revocation that
   * overtook its result is remembered, so the late result is never recognised
   */
  revocations?: PartnerRevocation[];
}

const sameResult = (a: { itemCode: string; resultNo: string }, b: { itemCode: string; resultNo: string }) =>
  a.itemCode === b.itemCode && a.resultNo === b.resultNo;

const revokedMark = (r: PartnerRevocation) => ({
  eventId: r.eventId,
  reasonZh: r.reasonZh,
  revokedAt: r.revokedAt,
  receivedAt: r.receivedAt,
});

/**
 * 互认 binds to the owner: a partner's result counts for a local case only when the origin shared
 * the project under the same owner organisation and the result was not revoked. `reason` says why not.
 */
export function recognitionRefusal(
  view: Pick<PartnerProject, 'summary'>,
  result: { revoked?: unknown },
  localOwnerCreditCode: string,
): 'notShared' | 'ownerMismatch' | 'revoked' | undefined {
  if (result.revoked) return 'revoked';
  if (!view.summary) return 'notShared';
  if (view.summary.owner.creditCode !== localOwnerCreditCode) return 'ownerMismatch';
  return undefined;
}

export const partnerProjectId = (origin: string, projectCode: string) => `${origin}:${projectCode}`;

/** The local items a partner's item counts for, per the recognition map (互认目录). */
export function recognisedLocalItems(
  recognition: ProvinceConfig['recognition'],
  origin: string,
  originItem: string,
): string[] {
  return recognition
    .filter((r) => r.fromProvince === origin && r.fromItem === originItem)
    .map((r) => r.toItem);
}

/**
 * Folds one verified payload into the partner project. Order does not matter and repeats change
 * nothing: results and materials are sets keyed by what identifies them, and the summary keeps the
 * most recent sharing.
 */
export function applyPartnerPayload(
  current: PartnerProject | undefined,
  payload: CrossProvincePayload,
  proof: { contentHash: string; signature: string; keyId: string },
  localItems: string[],
  receivedAt: string,
): PartnerProject {
  const view: PartnerProject = current ?? {
    origin: payload.origin,
    projectCode: payload.projectCode,
    results: [],
    materials: [],
    revocations: [],
  };
  switch (payload.kind) {
    case 'projectShared': {
      const { kind: _k, origin: _o, ...summary } = payload;
      if (view.summary && view.summary.sharedAt >= payload.sharedAt) return view;
      return { ...view, summary };
    }
    case 'resultIssued': {
      if (view.results.some((r) => r.resultNo === payload.resultNo && r.itemCode === payload.itemCode))
        return view;
      const result: PartnerProject['results'][number] = {
        origin: payload.origin,
        eventId: payload.eventId,
        caseId: payload.caseId,
        itemCode: payload.itemCode,
        resultNo: payload.resultNo,
        resultHash: payload.resultHash,
        decidedAt: payload.decidedAt,
        stage: payload.stage,
        itemName: payload.itemName,
        department: payload.department,
        localItems,
        receivedAt,
        ...proof,
      };
      const known = view.revocations?.find((r) => sameResult(r, payload));
      if (known) result.revoked = revokedMark(known);
      const results = [...view.results, result].sort((a, b) =>
        a.decidedAt === b.decidedAt
          ? a.resultNo.localeCompare(b.resultNo)
          : a.decidedAt.localeCompare(b.decidedAt),
      );
      return { ...view, results };
    }
    case 'materialShared': {
      if (
        view.materials.some((m) => m.sha256 === payload.sha256 && m.materialCode === payload.materialCode)
      ) {
        return view;
      }
      const { kind: _k, origin: _o, projectCode: _p, ...material } = payload;
      const materials = [...view.materials, { ...material, receivedAt }].sort((a, b) =>
        a.sharedAt === b.sharedAt ? a.sha256.localeCompare(b.sha256) : a.sharedAt.localeCompare(b.sharedAt),
      );
      return { ...view, materials };
    }
    case 'resultRevoked': {
      if (view.revocations?.some((r) => sameResult(r, payload))) return view;
      const { kind: _k, origin: _o, projectCode: _p, partnerProvinces: _pp, ...rest } = payload;
      const revocation: PartnerRevocation = { ...rest, receivedAt, ...proof };
      return {
        ...view,
        revocations: [...(view.revocations ?? []), revocation],
        results: view.results.map((r) =>
          sameResult(r, payload) && !r.revoked ? { ...r, revoked: revokedMark(revocation) } : r,
        ),
      };
    }
  }
}

/** The sha256 (hex) of content, as materials are addressed and signed. */
export function sha256OfBytes(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
