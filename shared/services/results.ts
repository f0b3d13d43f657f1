import { authorize } from '../domain/authz.js';
import { shanghaiDate } from '../domain/calendar.js';
import {
  type ElectronicResultRecord,
  type PublicResultAnswer,
  publicResultAnswer,
  type ResultKey,
  resultStatus,
} from '../domain/electronic-result.js';
import { conflict, notFound } from '../domain/errors.js';
import type { CaseItem, StageCase } from '../domain/model.js';
import { publicKeyFingerprint } from '../domain/signature.js';
import { scopeOf } from './cases.js';
import type { Ctx } from './context.js';
import type { Deps } from './deps.js';

/** 电子批文 as its holder prints it. */
export interface ResultDocument {
  resultNo: string;
  province: string;
  provinceName: string;
  caseId: string;
  projectCode: string;
  projectName: string;
  applicantName: string;
  stage: StageCase['stage'];
  itemCode: string;
  itemName: string;
  department: string;
  departmentName: string;
  outcome: 'approve';
  decidedAt: string;
  resultHash: string;
  signature: string;
  keyId: string;
  signedAt: string;
  revoked?: { at: string; reasonZh: string };
}

export class ResultService {
  constructor(private readonly deps: Deps) {}

  /** The keys this province's results verify under: its current signing key. */
  /** The keys results are signed with, for anyone to check a printed result offline. */
  async publicKeys(): Promise<{ province: string; keys: ResultKey[] }> {
    return { province: this.deps.province.code, keys: await this.keys() };
  }

  private async keys(): Promise<ResultKey[]> {
    return [{ keyId: this.deps.signer.keyId, publicKeyPem: await this.deps.signer.publicKeyPem() }];
  }

  /** The signing keys with their fingerprints, for a partner's operator to compare out of band. */
  async partnerKeys(): Promise<{ province: string; keys: (ResultKey & { fingerprint: string })[] }> {
    const keys = await this.keys();
    return {
      province: this.deps.province.code,
      keys: keys.map((k) => ({ ...k, fingerprint: publicKeyFingerprint(k.publicKeyPem) })),
    };
  }

  private async find(resultNo: string) {
    const record = (await this.deps.store.get<ElectronicResultRecord>('electronicResult', resultNo))?.value;
    const c = record && (await this.deps.store.get<StageCase>('stageCase', record.caseId))?.value;
    const item: CaseItem | undefined = c?.items.find((i) => i.code === record?.itemCode);
    return { record, c, item };
  }

  /** The printable result, for whoever may read its case (the applicant, its departments, supervision). */
  async document(ctx: Ctx, resultNo: string): Promise<ResultDocument> {
    const { record, c, item } = await this.find(resultNo);
    const d = item?.decision;
    if (!record || !c || !item || !d || d.outcome !== 'approve' || d.resultNo !== resultNo) {
      throw notFound('RESULT_NOT_FOUND', '电子批文不存在');
    }
    authorize(ctx.actor, 'case.read', scopeOf(c));
    if (d.resultWithheld) throw conflict('RESULT_WITHHELD', '容缺材料尚未补齐，审批结果暂缓出具');
    const department = this.deps.province.departments.find((x) => x.code === item.department);
    return {
      resultNo,
      province: this.deps.province.code,
      provinceName: this.deps.province.name,
      caseId: c.id,
      projectCode: c.projectCode,
      projectName: c.projectName,
      applicantName: c.applicant.name,
      stage: c.stage,
      itemCode: item.code,
      itemName: item.name,
      department: item.department,
      departmentName: department?.name ?? item.department,
      outcome: 'approve',
      decidedAt: d.at,
      resultHash: record.resultHash,
      signature: record.signature,
      keyId: record.keyId,
      signedAt: record.signedAt,
      ...(d.revoked ? { revoked: { at: d.revoked.at, reasonZh: d.revoked.reasonZh } } : {}),
    };
  }

  /** Public verification: no sign-in, and nothing beyond PublicResultAnswer. */
  async verify(resultNo: string, hash: string): Promise<PublicResultAnswer> {
    const { record, c, item } = await this.find(resultNo);
    const status = resultStatus({ resultNo, hash }, record, item, await this.keys());
    return publicResultAnswer(
      status,
      resultNo,
      c && item ? { province: c.province, projectCode: c.projectCode, item } : undefined,
      shanghaiDate,
    );
  }
}
