import { createPublicKey, generateKeyPairSync, type KeyObject, randomUUID, sign } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for the AWS services a deployed Lambda bundle calls besides DynamoDB (which DynamoDB
 * Local serves): Step Functions, EventBridge, KMS and S3, on one local HTTP endpoint that the SDK
 * reaches through AWS_ENDPOINT_URL_<SERVICE>. It answers the operations the adapters use with the
 * documented response shapes and records every call, so a test can assert what a function sent.
 * Anything else answers 400 with the operation's name, so a new call fails loudly.
 *
 * KMS signs for real (ECDSA P-256, DER, like a ECC_NIST_P256 key): envelopes a bundle signs verify
 * with `kmsPublicKeyPem`.
 */
export interface FakeAwsCall {
  service: 'sfn' | 'events' | 'kms' | 's3';
  operation: string;
  // biome-ignore lint/suspicious/noExplicitAny: request bodies are inspected loosely in tests
  input: any;
}

export interface FakeAws {
  endpoint: string;
  calls: FakeAwsCall[];
  /** the S3 objects written, by `bucket/key` */
  objects: Map<string, Buffer>;
  kmsPublicKeyPem: string;
  /** the environment that points the SDK's non-DynamoDB clients here */
  env: Record<string, string>;
  close(): Promise<void>;
}

const readBody = (req: IncomingMessage) =>
  new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });

/** `aws-chunked` bodies (streaming uploads with a trailing checksum) → the payload bytes. */
function decodeAwsChunked(body: Buffer): Buffer {
  const out: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = body.indexOf('\r\n', at);
    if (eol < 0) break;
    const size = Number.parseInt(body.subarray(at, eol).toString('latin1').split(';')[0]!, 16);
    if (!Number.isFinite(size) || size === 0) break;
    out.push(body.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
  return Buffer.concat(out);
}

const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export async function startFakeAws(): Promise<FakeAws> {
  const calls: FakeAwsCall[] = [];
  const objects = new Map<string, Buffer>();
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const kmsKey: KeyObject = privateKey;
  const spkiDer = publicKey.export({ type: 'spki', format: 'der' });

  const json = (status: number, body: unknown) => ({
    status,
    headers: { 'content-type': 'application/x-amz-json-1.1' },
    body: JSON.stringify(body),
  });

  function rpc(target: string, input: Record<string, unknown>) {
    const [prefix, operation = ''] = target.split('.');
    const service =
      prefix === 'AWSStepFunctions'
        ? 'sfn'
        : prefix === 'AWSEvents'
          ? 'events'
          : prefix === 'TrentService'
            ? 'kms'
            : undefined;
    if (!service) return json(400, { __type: 'UnknownService', message: target });
    calls.push({ service, operation, input });
    switch (target) {
      case 'AWSStepFunctions.StartExecution':
        return json(200, {
          executionArn: `${String(input.stateMachineArn).replace(':stateMachine:', ':execution:')}:${String(input.name ?? randomUUID())}`,
          startDate: Date.now() / 1000,
        });
      case 'AWSStepFunctions.SendTaskSuccess':
      case 'AWSStepFunctions.SendTaskFailure':
        return json(200, {});
      case 'AWSEvents.PutEvents': {
        const entries = (input.Entries as unknown[]) ?? [];
        return json(200, { FailedEntryCount: 0, Entries: entries.map(() => ({ EventId: randomUUID() })) });
      }
      case 'TrentService.Sign': {
        const message = Buffer.from(String(input.Message), 'base64');
        const signature =
          input.MessageType === 'DIGEST'
            ? sign(null, message, { key: kmsKey, dsaEncoding: 'der' }) // not reached by envelopes
            : sign('sha256', message, { key: kmsKey, dsaEncoding: 'der' });
        return json(200, {
          KeyId: input.KeyId,
          Signature: signature.toString('base64'),
          SigningAlgorithm: 'ECDSA_SHA_256',
        });
      }
      case 'TrentService.GetPublicKey':
        return json(200, {
          KeyId: input.KeyId,
          PublicKey: spkiDer.toString('base64'),
          KeySpec: 'ECC_NIST_P256',
          KeyUsage: 'SIGN_VERIFY',
          SigningAlgorithms: ['ECDSA_SHA_256'],
        });
      default:
        return json(400, { __type: 'UnsupportedOperation', message: `${target} is not faked` });
    }
  }

  /** S3, path style (the SDK uses it for an IP endpoint): PutObject, GetObject, ListObjectsV2. */
  function s3(method: string, url: URL, headers: IncomingMessage['headers'], body: Buffer) {
    const [bucket = '', ...rest] = url.pathname.slice(1).split('/');
    const key = decodeURIComponent(rest.join('/'));
    const xml = (status: number, text: string) => ({
      status,
      headers: { 'content-type': 'application/xml' },
      body: `<?xml version="1.0" encoding="UTF-8"?>${text}`,
    });
    if (method === 'PUT' && key) {
      const chunked = String(headers['content-encoding'] ?? '').includes('aws-chunked');
      const content = chunked ? decodeAwsChunked(body) : body;
      calls.push({ service: 's3', operation: 'PutObject', input: { Bucket: bucket, Key: key } });
      objects.set(`${bucket}/${key}`, content);
      return { status: 200, headers: { etag: `"${randomUUID()}"` }, body: '' };
    }
    if (method === 'GET' && key) {
      calls.push({ service: 's3', operation: 'GetObject', input: { Bucket: bucket, Key: key } });
      const found = objects.get(`${bucket}/${key}`);
      if (!found)
        return xml(
          404,
          `<Error><Code>NoSuchKey</Code><Message>not found</Message><Key>${xmlEscape(key)}</Key></Error>`,
        );
      return { status: 200, headers: { 'content-type': 'application/octet-stream' }, body: found };
    }
    if (method === 'GET' && url.searchParams.get('list-type') === '2') {
      const prefix = url.searchParams.get('prefix') ?? '';
      calls.push({ service: 's3', operation: 'ListObjectsV2', input: { Bucket: bucket, Prefix: prefix } });
      const keys = [...objects.keys()]
        .filter((k) => k.startsWith(`${bucket}/${prefix}`))
        .map((k) => k.slice(bucket.length + 1))
        .sort();
      const contents = keys
        .map(
          (k) =>
            `<Contents><Key>${xmlEscape(k)}</Key><Size>${objects.get(`${bucket}/${k}`)!.length}</Size></Contents>`,
        )
        .join('');
      return xml(
        200,
        `<ListBucketResult><Name>${bucket}</Name><Prefix>${xmlEscape(prefix)}</Prefix><KeyCount>${keys.length}</KeyCount><IsTruncated>false</IsTruncated>${contents}</ListBucketResult>`,
      );
    }
    calls.push({ service: 's3', operation: `${method} ${url.pathname}${url.search}`, input: {} });
    return xml(400, '<Error><Code>NotImplemented</Code><Message>not faked</Message></Error>');
  }

  const server: Server = createServer(async (req, res) => {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const target = req.headers['x-amz-target'];
    const out =
      typeof target === 'string'
        ? rpc(target, body.length ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>) : {})
        : s3(req.method ?? 'GET', url, req.headers, body);
    res.writeHead(out.status, out.headers);
    res.end(out.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpoint,
    calls,
    objects,
    kmsPublicKeyPem: createPublicKey(kmsKey).export({ type: 'spki', format: 'pem' }).toString(),
    env: {
      AWS_ENDPOINT_URL_SFN: endpoint,
      AWS_ENDPOINT_URL_EVENTBRIDGE: endpoint,
      AWS_ENDPOINT_URL_KMS: endpoint,
      AWS_ENDPOINT_URL_S3: endpoint,
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
