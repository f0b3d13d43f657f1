import { z } from '@hono/zod-openapi';
import { instant } from './common.js';

/** 上传材料 of any size through a presigned URL (the bytes go straight to the storage). */

export const materialUploadBody = z
  .object({
    sha256: z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/)
      .openapi({ description: '文件内容的 SHA-256（十六进制），由浏览器在上传前计算' }),
    size: z.number().int().min(0).openapi({ description: '文件字节数；上传时必须恰好发送这么多字节' }),
    contentType: z.string().min(1).max(200).default('application/octet-stream'),
    filename: z.string().max(255).optional().openapi({ description: '原文件名（仅供显示）' }),
  })
  .openapi('MaterialUploadRequest');

export const materialUploadSchema = z
  .object({
    sha256: z.string().openapi({ description: '声明的 SHA-256（小写十六进制）' }),
    size: z.number().int(),
    maxBytes: z.number().int().openapi({ description: '本省允许的单个材料最大字节数' }),
    upload: z.object({
      url: z.string().openapi({ description: '上传地址（预签名，过期即失效）' }),
      method: z.literal('PUT'),
      headers: z.record(z.string(), z.string()).openapi({
        description: '上传时必须原样携带的请求头（长度与 SHA-256 均已签名，内容不符时存储拒收）',
      }),
      expiresAt: instant,
    }),
  })
  .openapi('MaterialUpload', { description: '预签名上传：按 upload 发送文件内容后调用 complete 登记' });
