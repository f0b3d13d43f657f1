/**
 * The default deployments. Each entry becomes one stack `green-channel-${province}`.
 * Override the whole list with a JSON file named by GREEN_CHANNEL_DEPLOYMENTS (see infra/app.ts),
 * e.g. to set real accounts, identity providers and partner links per environment.
 *
 * The defaults are the Yangtze River Delta partners: 江苏 and 浙江 share one account in
 * cn-north-1 (provinces are not regions), 上海 runs in cn-northwest-1 in another account. The
 * accounts, identity providers and API URLs are placeholders: a deployment with credentials for
 * any real account fails rather than landing somewhere unintended. Replace them before deploying.
 */
import type { ProvinceDeploymentInput } from './config.js';

const SHARED_ACCOUNT = '111111111111';
const SH_ACCOUNT = '222222222222';

const identity = (code: string) => ({
  jwksUrl: `https://idp.${code.toLowerCase()}.green-channel.example/.well-known/jwks.json`,
  issuer: `https://idp.${code.toLowerCase()}.green-channel.example/`,
  audience: `green-channel-${code}`,
});
const apiUrl = (code: string) => `https://api.${code.toLowerCase()}.green-channel.example`;

const JS = { code: 'JS', account: SHARED_ACCOUNT, region: 'cn-north-1', apiUrl: apiUrl('JS') };
const ZJ = { code: 'ZJ', account: SHARED_ACCOUNT, region: 'cn-north-1', apiUrl: apiUrl('ZJ') };
const SH = { code: 'SH', account: SH_ACCOUNT, region: 'cn-northwest-1', apiUrl: apiUrl('SH') };

export const defaultDeployments: ProvinceDeploymentInput[] = [JS, ZJ, SH].map((self, _, all) => ({
  province: self.code,
  account: self.account,
  region: self.region,
  identity: identity(self.code),
  // Each partner's public key may be pinned here (publicKeyPem) once its stack has created it.
  partners: all.filter((p) => p.code !== self.code),
}));
