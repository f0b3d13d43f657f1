import { verifyChain } from '../domain/audit-chain.js';
import { authorize } from '../domain/authz.js';
import type { Project, StageCase } from '../domain/model.js';
import type { Ctx } from './context.js';
import type { Deps } from './deps.js';
import { load } from './unit-of-work.js';

/** Reads and verifies the hash-chained audit trail of a case or a project. */
export class AuditService {
  constructor(private readonly deps: Deps) {}

  private async authorizeStream(ctx: Ctx, kind: 'stageCase' | 'project', id: string) {
    if (kind === 'stageCase') {
      const { value } = await load<StageCase>(this.deps, 'stageCase', id, '办件');
      authorize(ctx.actor, 'audit.read', { ownerCreditCode: value.applicant.creditCode });
    } else {
      const { value } = await load<Project>(this.deps, 'project', id, '项目');
      authorize(ctx.actor, 'audit.read', { ownerCreditCode: value.owner.creditCode });
    }
  }

  async trail(ctx: Ctx, kind: 'stageCase' | 'project', id: string) {
    await this.authorizeStream(ctx, kind, id);
    return this.deps.store.audit(`${kind}/${id}`);
  }

  async verify(ctx: Ctx, kind: 'stageCase' | 'project', id: string) {
    const events = await this.trail(ctx, kind, id);
    return verifyChain(events);
  }
}
