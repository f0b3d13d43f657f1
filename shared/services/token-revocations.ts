import { authorize } from '../domain/authz.js';
import { conflict, invalid } from '../domain/errors.js';
import type { Page } from '../ports/store.js';
import type { Ctx } from './context.js';
import type { Deps } from './deps.js';
import { pageOpts } from './projects.js';
import { commit, nowIso } from './unit-of-work.js';

/** 登录凭证吊销: a token the administrator withdrew before it expired, by its jti. */
export interface TokenRevocation {
  jti: string;
  reason: string;
  revokedAt: string;
  revokedBy: string;
}

const JTI = /^[A-Za-z0-9_.:-]{1,128}$/;
const MAX_REASON = 200;

/**
 * The revocation list that every token's jti is checked against. Kept in the store, so it holds
 * across restarts and, on AWS, across every function that verifies tokens.
 */
export class TokenRevocationService {
  constructor(private readonly deps: Deps) {}

  async revoke(ctx: Ctx, input: { jti: string; reason: string }): Promise<TokenRevocation> {
    authorize(ctx.actor, 'token.revoke');
    const jti = input.jti.trim();
    if (!JTI.test(jti)) throw invalid('JTI_INVALID', '凭证编号（jti）格式不正确');
    const reason = input.reason.trim();
    if (!reason) throw invalid('REASON_REQUIRED', '请填写吊销原因');
    if (reason.length > MAX_REASON) throw invalid('TEXT_TOO_LONG', `吊销原因不能超过 ${MAX_REASON} 字`);
    if (await this.deps.store.get('tokenRevocation', jti)) {
      throw conflict('TOKEN_ALREADY_REVOKED', '该登录凭证已被吊销');
    }
    const revokedAt = nowIso(this.deps);
    const value: TokenRevocation = { jti, reason, revokedAt, revokedBy: ctx.actor.id };
    try {
      await commit(this.deps, ctx, [
        {
          kind: 'tokenRevocation',
          id: jti,
          expectedVersion: 0,
          value,
          indexes: [{ index: 'status', key: 'tokenRevocation', sort: `${revokedAt}#${jti}` }],
          events: [{ type: 'TokenRevoked', actor: ctx.actor.id, at: revokedAt, data: { jti, reason } }],
        },
      ]);
    } catch (err) {
      // two administrators revoking the same token at once: the second learns it is done
      if (err instanceof Error && 'code' in err && err.code === 'VERSION_CONFLICT') {
        throw conflict('TOKEN_ALREADY_REVOKED', '该登录凭证已被吊销');
      }
      throw err;
    }
    return value;
  }

  /** Read on every authenticated request: one lookup by id. */
  async isRevoked(jti: string): Promise<boolean> {
    if (!JTI.test(jti)) return false;
    return (await this.deps.store.get('tokenRevocation', jti)) !== undefined;
  }

  async list(ctx: Ctx, options: { cursor?: string; limit?: number }): Promise<Page<TokenRevocation>> {
    authorize(ctx.actor, 'token.revoke');
    const page = await this.deps.store.query('status', 'tokenRevocation', {
      descending: true,
      ...pageOpts(options),
    });
    const items = await this.deps.store.getMany<TokenRevocation>(
      'tokenRevocation',
      page.items.map((h) => h.id),
    );
    return { items: items.map((i) => i.value), ...(page.cursor ? { cursor: page.cursor } : {}) };
  }
}
