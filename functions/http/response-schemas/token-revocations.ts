import { z } from '@hono/zod-openapi';
import { instant, page } from './common.js';

export const tokenRevocationSchema = z
  .object({
    jti: z.string().openapi({ description: '被吊销登录凭证的编号（JWT 的 jti）' }),
    reason: z.string().openapi({ description: '吊销原因' }),
    revokedAt: instant,
    revokedBy: z.string().openapi({ description: '执行吊销的管理员' }),
  })
  .openapi('TokenRevocation', {
    description: '登录凭证吊销记录：带此 jti 的凭证此后一律被拒（TOKEN_REVOKED）',
  });

export const tokenRevocationPage = page(tokenRevocationSchema, 'TokenRevocationPage');
