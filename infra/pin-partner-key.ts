/**
 * `npm run partner-key -- --for JS --partner ZJ [--url https://…] [--deployments file.json] [--yes]`
 *
 * Fetches a partner province's signing key from its `GET /partner/public-key`, shows the key id and
 * fingerprint so an operator can compare them with what the partner's operator reads off their own
 * deployment (by phone, on paper: out of band), and after confirmation pins the key into the
 * deployments file that `cdk deploy` reads (GREEN_CHANNEL_DEPLOYMENTS). The next deploy trusts it.
 */
import { createHash, createPublicKey } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { type ProvinceDeploymentInput, parseDeployments } from './config.js';
import { defaultDeployments } from './deployments.js';

const servedKeys = z.object({
  province: z.string(),
  keys: z
    .array(z.object({ keyId: z.string().min(1), publicKeyPem: z.string().min(1), fingerprint: z.string() }))
    .min(1),
});

/**
 * sha256 of the key's DER SPKI, hex, first 16 characters: the same fingerprint the province serves
 * (shared/domain/signature.ts publicKeyFingerprint; infra takes no domain code, the test compares).
 */
export function fingerprintOf(publicKeyPem: string): string {
  const der = createPublicKey(publicKeyPem).export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('hex').slice(0, 16);
}

export interface FetchedKey {
  keyId: string;
  publicKeyPem: string;
  /** computed here from the key itself, never taken from the answer */
  fingerprint: string;
}

/**
 * The partner's current signing key. Refuses an answer from another province, or whose stated
 * fingerprint does not match its key: both mean the URL is not the partner it claims to be.
 */
export async function fetchPartnerKey(
  apiUrl: string,
  partner: string,
  fetchFn: (url: string) => Promise<Response> = fetch,
): Promise<FetchedKey> {
  const res = await fetchFn(`${apiUrl.replace(/\/+$/, '')}/partner/public-key`);
  if (!res.ok) throw new Error(`${apiUrl} 答复 ${res.status}，未取得公钥`);
  const parsed = servedKeys.safeParse(await res.json());
  if (!parsed.success) throw new Error(`${apiUrl} 的答复不是公钥清单`);
  if (parsed.data.province !== partner) {
    throw new Error(`${apiUrl} 是 ${parsed.data.province} 的部署，不是 ${partner}`);
  }
  const key = parsed.data.keys[0]!;
  const fingerprint = fingerprintOf(key.publicKeyPem);
  if (fingerprint !== key.fingerprint) {
    throw new Error(`答复中的指纹 ${key.fingerprint} 与公钥本身的指纹 ${fingerprint} 不符`);
  }
  return { keyId: key.keyId, publicKeyPem: key.publicKeyPem, fingerprint };
}

/** The deployments with `partner`'s key pinned in `forProvince`'s partner link (validated). */
export function pinPartnerKey(
  deployments: ProvinceDeploymentInput[],
  forProvince: string,
  partner: string,
  key: FetchedKey,
): ProvinceDeploymentInput[] {
  const own = deployments.find((d) => d.province === forProvince);
  if (!own) throw new Error(`部署配置中没有省份 ${forProvince}`);
  if (!(own.partners ?? []).some((p) => p.code === partner)) {
    throw new Error(`${forProvince} 的部署配置中没有合作省份 ${partner}`);
  }
  const next = deployments.map((d) =>
    d.province !== forProvince
      ? d
      : {
          ...d,
          partners: (d.partners ?? []).map((p) =>
            p.code === partner ? { ...p, publicKeyPem: key.publicKeyPem, keyId: key.keyId } : p,
          ),
        },
  );
  parseDeployments(next); // never write a file the next deploy would refuse
  return next;
}

async function main() {
  const { values } = parseArgs({
    options: {
      for: { type: 'string' },
      partner: { type: 'string' },
      url: { type: 'string' },
      deployments: { type: 'string', default: process.env.GREEN_CHANNEL_DEPLOYMENTS ?? 'deployments.json' },
      yes: { type: 'boolean', default: false },
    },
  });
  const forProvince = values.for?.toUpperCase();
  const partner = values.partner?.toUpperCase();
  if (!forProvince || !partner) {
    throw new Error(
      '用法: npm run partner-key -- --for JS --partner ZJ [--url https://…] [--deployments 文件] [--yes]',
    );
  }
  const file = values.deployments;
  const deployments: ProvinceDeploymentInput[] = existsSync(file)
    ? JSON.parse(readFileSync(file, 'utf8'))
    : structuredClone(defaultDeployments);
  const link = deployments.find((d) => d.province === forProvince)?.partners?.find((p) => p.code === partner);
  const apiUrl = values.url ?? link?.apiUrl;
  if (!apiUrl) throw new Error(`未指定 --url，部署配置中也没有 ${partner} 的接口地址`);

  const key = await fetchPartnerKey(apiUrl, partner);
  console.log(`合作省份 ${partner}（${apiUrl}）的签名公钥：`);
  console.log(`  密钥标识：${key.keyId}`);
  console.log(`  指纹：    ${key.fingerprint}`);
  console.log('请与对方运维人员通过电话等独立渠道核对指纹，一致后再确认。');
  if (!values.yes) {
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    const answer = await rl.question(`确认将该公钥固定到 ${file} 中 ${forProvince} 的部署配置？(y/N) `);
    rl.close();
    if (answer.trim().toLowerCase() !== 'y') {
      console.log('未固定，配置未改动。');
      return;
    }
  }
  writeFileSync(file, `${JSON.stringify(pinPartnerKey(deployments, forProvince, partner, key), null, 2)}\n`);
  console.log(`已固定。用 GREEN_CHANNEL_DEPLOYMENTS=${file} npx cdk deploy 部署后生效。`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
