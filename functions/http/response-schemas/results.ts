import { z } from '@hono/zod-openapi';
import { instant, isoDate, stage } from './common.js';

/** 电子批文: the signed result of an approval, and what public verification answers about it. */

export const resultDocumentSchema = z
  .object({
    resultNo: z.string().openapi({ description: '电子批文编号' }),
    province: z.string().openapi({ description: '出具省份代码' }),
    provinceName: z.string(),
    caseId: z.string(),
    projectCode: z.string().openapi({ description: '投资项目统一代码' }),
    projectName: z.string(),
    applicantName: z.string().openapi({ description: '申请单位' }),
    stage,
    itemCode: z.string(),
    itemName: z.string(),
    department: z.string(),
    departmentName: z.string(),
    outcome: z.literal('approve'),
    decidedAt: instant,
    resultHash: z.string().openapi({ description: '审批结果的 SHA-256 摘要' }),
    signature: z.string().openapi({ description: '省级结果签名密钥的 ECDSA P-256 签名（DER，base64）' }),
    keyId: z.string().openapi({ description: '签名密钥标识' }),
    signedAt: instant,
    revoked: z
      .object({ at: instant, reasonZh: z.string() })
      .optional()
      .openapi({ description: '已撤销：撤销时间与理由' }),
  })
  .openapi('ResultDocument', { description: '电子批文（供申请单位打印、出示）' });

export const resultVerificationSchema = z
  .object({
    status: z.enum(['valid', 'revoked', 'unknown']).openapi({
      description: 'valid 有效；revoked 已撤销；unknown 未找到（编号不存在或摘要不符，二者不作区分）',
    }),
    resultNo: z.string(),
    province: z.string().optional().openapi({ description: '出具省份代码（valid/revoked）' }),
    projectCode: z.string().optional().openapi({ description: '投资项目统一代码（valid/revoked）' }),
    itemName: z.string().optional().openapi({ description: '审批事项（valid/revoked）' }),
    decidedOn: isoDate.optional().openapi({ description: '批准日期（valid/revoked）' }),
    revokedOn: isoDate.optional().openapi({ description: '撤销日期（revoked）' }),
  })
  .openapi('ResultVerification', {
    description: '电子批文公开核验结果：只有状态与批文上已印明的项目代码、事项和日期，不含申请单位信息',
  });

export const resultKeysSchema = z
  .object({
    province: z.string().openapi({ description: '签发省份代码', example: 'JS' }),
    signedMessage: z.string().openapi({
      description: '被签名的内容格式：green-channel.result.v1:<批文编号>:<结果摘要>，ECDSA P-256 / SHA-256',
    }),
    keys: z.array(
      z.object({
        keyId: z.string().openapi({ description: '批文上印明的签名密钥标识' }),
        publicKeyPem: z.string().openapi({ description: '公钥（SPKI PEM）' }),
      }),
    ),
  })
  .openapi('ResultSigningKeys', { description: '电子批文签名公钥：离线核对批文签名之用' });
