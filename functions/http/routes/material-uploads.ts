import { createRoute, z } from '@hono/zod-openapi';
import { BlobUploadRefused } from '../../../shared/ports/blobs.js';
import { ctxOf } from '../auth.js';
import { BEARER_SCHEME } from '../docs.js';
import { sizeOfLimitZh } from '../limits.js';
import { materialHeaders } from '../material-download.js';
import { json } from '../openapi-route.js';
import { HttpProblem, PROBLEM_CONTENT_TYPE, problemResponses, problemSchema } from '../problem.js';
import { materialUploadBody, materialUploadSchema } from '../response-schemas/material-uploads.js';
import * as r from '../response-schemas.js';
import type { RouteKit } from '../route-kit.js';

const binary = z.string().openapi({ type: 'string', format: 'binary', description: '文件内容（原始字节）' });

const problem = (description: string) => ({
  content: { [PROBLEM_CONTENT_TYPE]: { schema: problemSchema } },
  description,
});

/**
 * 上传材料 of any size: the client declares the hash and size, sends the bytes to the presigned URL
 * it gets (S3 on AWS; `PUT /blobs/uploads/{token}` on this API locally), then asks for the upload
 * to be confirmed. The limit is checked before a URL is issued and again by the signed length.
 */
export function mountMaterialUploadRoutes({ app, services, limits }: RouteKit): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/materials/uploads',
      tags: ['区域协同'],
      summary: '申请上传材料文件（任意大小，默认上限 200 MB）：返回预签名上传地址，内容直接发往存储',
      security: [{ [BEARER_SCHEME]: [] }],
      request: { body: { ...json(materialUploadBody), required: true } },
      responses: {
        201: { ...json(materialUploadSchema), description: '上传地址' },
        ...problemResponses,
        413: problem('声明的文件大小超过本省上限（MATERIAL_TOO_LARGE）'),
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      if (body.size > limits.materialMaxBytes) {
        throw new HttpProblem(
          413,
          'MATERIAL_TOO_LARGE',
          `材料文件超过 ${sizeOfLimitZh(limits.materialMaxBytes)} 的上限`,
        );
      }
      const issued = await services.partners.issueUpload(ctxOf(c), body);
      return c.json(
        {
          ...issued,
          maxBytes: limits.materialMaxBytes,
          upload: { ...issued.upload, url: new URL(issued.upload.url, c.req.url).toString() },
        },
        201,
      );
    },
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/materials/uploads/{sha256}/complete',
      tags: ['区域协同'],
      summary: '确认材料已上传：存储核对 SHA-256 一致后才登记（与 POST /materials 的答复相同）',
      security: [{ [BEARER_SCHEME]: [] }],
      request: {
        params: z.object({ sha256: z.string().openapi({ description: '申请上传时声明的 SHA-256' }) }),
      },
      responses: {
        201: { ...json(r.uploadedMaterialSchema), description: '已登记' },
        ...problemResponses,
        409: problem(
          '尚未上传（CONTENT_NOT_UPLOADED），或存储中的内容与声明的 SHA-256 不一致（CONTENT_HASH_MISMATCH）',
        ),
      },
    }),
    async (c) => {
      const stored = await services.partners.completeUpload(ctxOf(c), c.req.valid('param').sha256);
      return c.json(stored, 201);
    },
  );

  // The file store serves its own presigned URLs through this API; the token is the credential
  // (HMAC-signed, expiring), so these paths are public. Not part of the documented API: clients
  // use the URLs they are given, never build them.
  const token = z.string().openapi({ description: '预签名令牌（签名、限时）' });
  app.openAPIRegistry.registerPath(
    createRoute({
      method: 'put',
      path: '/blobs/uploads/{token}',
      tags: ['区域协同'],
      summary: '本地部署的预签名上传地址（由 POST /materials/uploads 给出；AWS 上为 S3 地址）',
      security: [],
      request: {
        params: z.object({ token }),
        body: {
          content: { '*/*': { schema: binary } },
          required: true,
          description: '恰为声明字节数的文件内容',
        },
      },
      responses: {
        201: { ...json(r.uploadedMaterialSchema), description: '已保存（尚未登记，须再调用 complete）' },
        400: problem('内容与声明的 SHA-256 或大小不符，未保存（UPLOAD_HASH_MISMATCH、UPLOAD_SIZE_MISMATCH）'),
        403: problem('令牌无效或已过期（UPLOAD_TOKEN_INVALID）'),
        413: problem('内容超过声明的大小，已中止（UPLOAD_SIZE_MISMATCH）'),
      },
    }),
  );
  app.openAPIRegistry.registerPath(
    createRoute({
      method: 'get',
      path: '/blobs/{token}',
      tags: ['区域协同'],
      summary: '本地部署的预签名下载地址（由材料下载的 303 重定向给出；AWS 上为 S3 地址）',
      security: [],
      request: { params: z.object({ token }) },
      responses: {
        200: { content: { '*/*': { schema: binary } }, description: '材料内容' },
        404: problem('链接无效、已过期或内容不存在（DOWNLOAD_LINK_INVALID）'),
      },
    }),
  );

  // The path is fixed (`/blobs`, the file store's default): on S3 there is no endpoint and they answer 404.
  const endpointOf = () => {
    const endpoint = services.deps.blobs.endpoint;
    if (!endpoint) throw new HttpProblem(404, 'ROUTE_NOT_FOUND', '请求的接口不存在');
    return endpoint;
  };
  app.put('/blobs/uploads/:token', async (c) => {
    try {
      return c.json(await endpointOf().receive(c.req.param('token'), c.req.raw.body), 201);
    } catch (error) {
      if (error instanceof BlobUploadRefused) throw new HttpProblem(error.status, error.code, error.message);
      throw error;
    }
  });
  app.get('/blobs/:token', async (c) => {
    const found = await endpointOf().open(c.req.param('token'));
    if (!found) throw new HttpProblem(404, 'DOWNLOAD_LINK_INVALID', '下载链接无效、已过期或内容不存在');
    return c.body(found.body, 200, {
      ...materialHeaders(found.contentType, found.filename),
      'content-length': String(found.size),
    });
  });
}
