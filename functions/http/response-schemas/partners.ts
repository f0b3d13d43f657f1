import { z } from '@hono/zod-openapi';
import { PROJECT_CATEGORIES } from '../../../shared/domain/model.js';
import { instant, page } from './common.js';

/** 区域协同: partner projects as this province sees them, refused partner events, uploads. */

export const partnerResultSchema = z
  .object({
    origin: z.string(),
    eventId: z.string(),
    caseId: z.string(),
    itemCode: z.string(),
    resultNo: z.string(),
    resultHash: z.string(),
    contentHash: z.string(),
    signature: z.string(),
    keyId: z.string(),
    decidedAt: instant,
    receivedAt: instant,
    stage: z.string().openapi({ description: '合作省份的阶段，如 projectApproval' }),
    itemName: z.string(),
    department: z.string(),
    localItems: z.array(z.string()).openapi({ description: '按互认目录，该结果可替代的本省事项' }),
    revoked: z
      .object({ eventId: z.string(), reasonZh: z.string(), revokedAt: instant, receivedAt: instant })
      .optional()
      .openapi({ description: '来源省份已撤销该结果（不再互认），含理由' }),
  })
  .openapi('PartnerResult', { description: '合作省份签名的审批结果及其来源' });

export const partnerMaterialSchema = z
  .object({
    eventId: z.string(),
    partnerProvinces: z.array(z.string()),
    materialCode: z.string(),
    materialName: z.string(),
    sha256: z.string(),
    size: z.number().int(),
    contentType: z.string(),
    sharedAt: instant,
    receivedAt: instant,
  })
  .openapi('PartnerMaterial', { description: '合作省份共享的材料（内容按需从来源省份取得）' });

export const partnerProjectSchema = z
  .object({
    origin: z.string().openapi({ description: '来源省份代码' }),
    projectCode: z.string(),
    summary: z
      .object({
        eventId: z.string(),
        projectCode: z.string(),
        partnerProvinces: z.array(z.string()),
        name: z.string(),
        owner: z.object({ creditCode: z.string(), name: z.string() }),
        category: z.enum(PROJECT_CATEGORIES),
        city: z.string(),
        investmentWan: z.number(),
        sharedAt: instant,
      })
      .optional()
      .openapi({ description: '项目摘要（最近一次共享）' }),
    results: z.array(partnerResultSchema),
    materials: z.array(partnerMaterialSchema),
    revocations: z
      .array(
        z.object({
          eventId: z.string(),
          caseId: z.string(),
          itemCode: z.string(),
          resultNo: z.string(),
          resultHash: z.string(),
          reasonZh: z.string(),
          revokedAt: instant,
          receivedAt: instant,
          contentHash: z.string(),
          signature: z.string(),
          keyId: z.string(),
        }),
      )
      .optional()
      .openapi({ description: '收到的全部撤销（含先于结果到达的撤销，其结果到达后不予互认）' }),
  })
  .openapi('PartnerProject', { description: '合作省份的跨省项目（只读）' });

export const partnerProjectPage = page(partnerProjectSchema, 'PartnerProjectPage');
export const partnerViewsSchema = z
  .object({ views: z.array(partnerProjectSchema).openapi({ description: '每个来源省份一份视图' }) })
  .openapi('PartnerProjectViews');

export const rejectedEventSchema = z
  .object({
    eventId: z.string().optional(),
    source: z.string().optional(),
    type: z.string().optional(),
    reason: z.string().openapi({ description: '拒收原因，如 badSignature、unknownSender、schema' }),
    caseId: z.string().optional().openapi({
      description: '不予互认的本省办件（reason 为 ownerMismatch：项目单位与来源省份共享的不一致）',
    }),
    sender: z
      .string()
      .optional()
      .openapi({ description: '声称的发送省份（已配置的合作省份代码），否则为 unknown' }),
    count: z
      .number()
      .int()
      .min(1)
      .optional()
      .openapi({ description: '该发送方因该原因被拒收的事件数（按发送方与原因汇总存储）' }),
    firstAt: instant.optional().openapi({ description: '首次拒收时间' }),
    at: instant.openapi({ description: '最近一次拒收时间' }),
  })
  .openapi('RejectedPartnerEvent', {
    description: '被拒收的合作省份事件（按发送方与原因汇总：一行一个发送方与原因，记最近一次与次数）',
  });
export const rejectedEventPage = page(rejectedEventSchema, 'RejectedPartnerEventPage');

export const uploadedMaterialSchema = z
  .object({
    sha256: z.string().openapi({ description: '内容的 SHA-256（小写十六进制），提交或共享材料时引用' }),
    size: z.number().int().openapi({ description: '字节数' }),
  })
  .openapi('UploadedMaterial', { description: '已保存的材料内容（按内容寻址，重复上传只保存一份）' });

export const partnerEventOutcomeSchema = z
  .object({
    outcome: z.enum(['accepted', 'duplicate', 'rejected']).openapi({
      description: 'accepted 已接收；duplicate 重复（已接收过）；rejected 拒收（已记录，重发也会被拒）',
    }),
    reason: z.string().optional().openapi({ description: '拒收原因（仅 rejected）' }),
  })
  .openapi('PartnerEventOutcome');

/** What POST /partner/events receives: the bus event around the origin's signed envelope (documented, not validated here). */
export const partnerBusEventSchema = z
  .object({
    source: z
      .string()
      .openapi({ description: '来源：green-channel.<省份代码>', example: 'green-channel.ZJ' }),
    'detail-type': z.enum(['ProjectShared', 'ResultIssued', 'MaterialShared', 'ResultRevoked']),
    detail: z
      .object({
        id: z.string().openapi({ description: '领域事件编号（须与签名载荷中的 eventId 相同）' }),
        type: z.string().openapi({ description: '与 detail-type 相同' }),
        version: z.literal(1),
        source: z.string().openapi({ description: '来源省份代码', example: 'ZJ' }),
        time: z.string(),
        subject: z.string(),
        data: z.object({
          partnerProvinces: z.array(z.string()).openapi({ description: '收件省份（须包含本省）' }),
          envelope: z
            .object({
              payload: z.record(z.string(), z.unknown()).openapi({
                description:
                  '跨省载荷：projectShared、resultIssued 或 materialShared（含 eventId、origin、projectCode）',
              }),
              contentHash: z.string().openapi({ description: '载荷规范 JSON 的 SHA-256（小写十六进制）' }),
              signature: z.string().openapi({
                description:
                  '来源省份私钥（ECDSA P-256 / SHA-256，DER，base64）对 green-channel.envelope.v1:<contentHash> 的签名',
              }),
              keyId: z.string(),
              origin: z.string().openapi({ description: '签名省份代码（仅用于选择公钥）' }),
              signedAt: z.string().openapi({ description: '签名时间（不在签名范围内）' }),
            })
            .openapi({ description: '签名信封：本省用来源省份的公钥验证' }),
        }),
      })
      .openapi({ description: '领域事件' }),
  })
  .openapi('PartnerBusEvent', {
    description:
      '合作省份经事件总线转发的事件。认证依据是 detail.data.envelope 中的签名（不是请求头）：伪造、篡改、非发给本省的事件被拒收并记录，仍答 202。',
  });

export const partnerPublicKeysSchema = z
  .object({
    province: z.string().openapi({ description: '本省代码', example: 'JS' }),
    keys: z.array(
      z.object({
        keyId: z.string().openapi({ description: '签名中注明的密钥标识（KMS 密钥 ID 或本地密钥指纹）' }),
        publicKeyPem: z.string().openapi({ description: '公钥（SPKI PEM）' }),
        fingerprint: z
          .string()
          .openapi({ description: '公钥指纹：DER 编码 SPKI 的 SHA-256 前 16 位十六进制，供线下核对' }),
      }),
    ),
  })
  .openapi('PartnerPublicKeys', { description: '本省签名公钥：合作省份核对指纹后固定' });
