import { z } from '@hono/zod-openapi';
import { chainBreakSchema } from './cases.js';
import { instant } from './common.js';

const hex64 = z.string().regex(/^[0-9a-f]{64}$/);

export const checkpointSummarySchema = z
  .object({
    id: z.string(),
    number: z.number().int().openapi({ description: '检查点序号（1、2、3…，中断即说明有检查点缺失）' }),
    at: instant,
    root: hex64.openapi({ description: '全部审计流链头的 Merkle 根' }),
    count: z.number().int().openapi({ description: '覆盖的审计流数' }),
    previousId: z.string().nullable(),
    keyId: z.string(),
    signatureValid: z.boolean().openapi({ description: '用本省公钥校验签名与 Merkle 根是否通过' }),
    problem: z.string().optional(),
  })
  .openapi('AuditCheckpointSummary', { description: '审计检查点（已签名的各审计流链头）' });

export const checkpointListSchema = z
  .object({ items: z.array(checkpointSummarySchema) })
  .openapi('AuditCheckpointList');

const streamHeadSchema = z
  .object({ stream: z.string(), seq: z.number().int(), hash: hex64 })
  .openapi('StreamHead');

const checkpointEnvelopeSchema = z
  .object({
    payload: z.object({
      type: z.literal('auditCheckpoint.v1'),
      province: z.string(),
      id: z.string(),
      number: z.number().int(),
      at: instant,
      previousId: z.string().nullable(),
      previousRoot: hex64.nullable(),
      root: hex64,
      count: z.number().int(),
    }),
    contentHash: hex64,
    signature: z.string().openapi({ description: 'ECDSA P-256 / SHA-256，DER，base64' }),
    keyId: z.string(),
    origin: z.string(),
    signedAt: instant,
  })
  .openapi('AuditCheckpointEnvelope', {
    description: '签名信封：签名覆盖 green-channel.envelope.v1:<contentHash>',
  });

export const auditCheckpointSchema = z
  .object({
    envelope: checkpointEnvelopeSchema,
    heads: z.array(streamHeadSchema),
    publicKeyPem: z
      .string()
      .openapi({ description: '本省结果签名公钥（SPKI PEM），亦应与伙伴省配置的公钥比对' }),
  })
  .openapi('AuditCheckpoint', {
    description:
      '审计检查点全文：签名信封（签名覆盖 green-channel.envelope.v1:<contentHash>）与链头列表；链头按 stream 排序求 Merkle 根，应等于 payload.root',
  });

export const checkpointVerificationSchema = z
  .object({
    checkpointId: z.string(),
    signatureValid: z.boolean(),
    valid: z.boolean(),
    streamsChecked: z.number().int(),
    firstBroken: z
      .object({ stream: z.string(), seq: z.number().int(), reason: chainBreakSchema })
      .optional()
      .openapi({ description: '第一个与检查点不符的审计流及其事件序号' }),
  })
  .openapi('AuditCheckpointVerification');

export const partnerCheckpointListSchema = z
  .object({
    items: z.array(
      z
        .object({
          origin: z.string().openapi({ description: '发送检查点的合作省份' }),
          id: z.string(),
          number: z.number().int(),
          at: instant,
          root: hex64,
          count: z.number().int(),
          previousId: z.string().nullable(),
          keyId: z.string(),
          receivedAt: instant,
          signatureValid: z.boolean().openapi({ description: '用本省为该合作省份固定配置的公钥重新校验' }),
        })
        .openapi('PartnerAuditCheckpoint'),
    ),
  })
  .openapi('PartnerAuditCheckpointList', { description: '合作省份发来的审计检查点（按省份保存）' });

export const projectCheckpointExtractSchema = z
  .object({
    envelope: checkpointEnvelopeSchema,
    projectCode: z.string(),
    heads: z.array(
      z.object({
        head: streamHeadSchema,
        proof: z
          .array(z.object({ side: z.enum(['left', 'right']), hash: hex64 }))
          .openapi({ description: 'Merkle 包含证明：自叶至根的兄弟节点' }),
      }),
    ),
  })
  .openapi('ProjectCheckpointExtract', {
    description: '共享项目在审计检查点中的链头（含 Merkle 包含证明），合作省份用本省公钥即可校验',
  });
