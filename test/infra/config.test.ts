import { describe, expect, it } from 'vitest';
import { partnerKeysFromEnv } from '../../functions/aws/compose.js';
import {
  DeploymentConfigError,
  eventBusArn,
  type ProvinceDeploymentInput,
  parseDeployment,
  parseDeployments,
  partitionOf,
  partnersEnvironment,
} from '../../infra/config.js';
import { defaultDeployments } from '../../infra/deployments.js';

const identity = {
  jwksUrl: 'https://idp.example/.well-known/jwks.json',
  issuer: 'https://idp.example/',
  audience: 'green-channel',
};
const base: ProvinceDeploymentInput = { province: 'JS', region: 'cn-north-1', identity, partners: [] };

describe('deployment config', () => {
  it('derives the partition from the region', () => {
    expect(partitionOf('cn-north-1')).toBe('aws-cn');
    expect(partitionOf('cn-northwest-1')).toBe('aws-cn');
    expect(partitionOf('ap-east-1')).toBe('aws');
    expect(parseDeployment(base).partition).toBe('aws-cn');
    expect(parseDeployment({ ...base, region: 'ap-east-1' }).partition).toBe('aws');
  });

  it('ships the Yangtze River Delta by default: JS and ZJ share a region and account, SH elsewhere', () => {
    const list = parseDeployments(defaultDeployments);
    expect(list.map((d) => [d.province, d.account, d.region, d.partition])).toEqual([
      ['JS', '111111111111', 'cn-north-1', 'aws-cn'],
      ['ZJ', '111111111111', 'cn-north-1', 'aws-cn'],
      ['SH', '222222222222', 'cn-northwest-1', 'aws-cn'],
    ]);
    for (const d of list) {
      // every other province is a partner, as it is configured in its own deployment
      expect(d.partners.map((p) => p.code).sort()).toEqual(
        list
          .filter((o) => o.province !== d.province)
          .map((o) => o.province)
          .sort(),
      );
      for (const p of d.partners) {
        const other = list.find((o) => o.province === p.code)!;
        expect(p).toMatchObject({ account: other.account, region: other.region, partition: 'aws-cn' });
        expect(p.apiUrl).toMatch(/^https:\/\//);
      }
    }
  });

  it('describes partners for the functions: API URL and, when pinned, the public key', () => {
    const pem = '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----';
    const cfg = parseDeployment({
      ...base,
      partners: [
        {
          code: 'ZJ',
          account: '111111111111',
          region: 'cn-north-1',
          apiUrl: 'https://zj.example',
          publicKeyPem: pem,
          keyId: 'zj-kms-key-1',
          keys: [{ keyId: 'zj-kms-key-2', publicKeyPem: pem, validFrom: '2027-01-01T00:00:00+08:00' }],
        },
        { code: 'SH', account: '222222222222', region: 'cn-northwest-1', apiUrl: 'https://sh.example/api' },
      ],
    });
    // the key ids travel with the keys: the functions pin exactly these (functions/aws/compose.ts)
    const env = partnersEnvironment(cfg.partners);
    expect(JSON.parse(env)).toEqual({
      ZJ: {
        apiUrl: 'https://zj.example',
        publicKeyPem: pem,
        keyId: 'zj-kms-key-1',
        keys: [{ keyId: 'zj-kms-key-2', publicKeyPem: pem, validFrom: '2027-01-01T00:00:00+08:00' }],
      },
      SH: { apiUrl: 'https://sh.example/api' },
    });
    expect(partnerKeysFromEnv(env).map((k) => [k.origin, k.keyId])).toEqual([
      ['ZJ', 'zj-kms-key-1'],
      ['ZJ', 'zj-kms-key-2'],
    ]);
    // a key without the id its signatures name would match nothing: refused at synth
    expect(() =>
      parseDeployment({
        ...base,
        partners: [
          {
            code: 'ZJ',
            account: '111111111111',
            region: 'cn-north-1',
            apiUrl: 'https://zj.example',
            publicKeyPem: pem,
          },
        ],
      }),
    ).toThrow(/publicKeyPem needs the keyId/);
    expect(partnersEnvironment([])).toBe('{}');
    expect(() =>
      parseDeployment({
        ...base,
        partners: [
          { code: 'ZJ', account: '111111111111', region: 'cn-north-1', apiUrl: 'http://zj.example' },
          {
            code: 'SH',
            account: '111111111111',
            region: 'cn-north-1',
            apiUrl: 'https://sh.example',
            publicKeyPem: 'x',
          },
        ],
      }),
    ).toThrow(/partners\.0\.apiUrl[\s\S]*partners\.1\.publicKeyPem/);
  });

  it("rejects partner links that do not match the partner's own deployment", () => {
    const zj = { ...base, province: 'ZJ', account: '111111111111' };
    const link = (code: string, account: string, region = 'cn-north-1') => ({
      code,
      account,
      region,
      apiUrl: `https://${code.toLowerCase()}.example`,
    });
    expect(() =>
      parseDeployments([
        { ...base, account: '111111111111', partners: [link('ZJ', '111111111111')] },
        { ...zj, partners: [link('JS', '111111111111')] },
      ]),
    ).not.toThrow();
    const problems = (() => {
      try {
        parseDeployments([
          { ...base, account: '111111111111', partners: [link('ZJ', '999999999999', 'cn-northwest-1')] },
          { ...zj, partners: [] },
          { ...base, province: 'SH', partners: [link('JS', '111111111111')] },
        ]);
        return [];
      } catch (e) {
        return (e as DeploymentConfigError).problems;
      }
    })().join('\n');
    expect(problems).toMatch(/0\.partners\.0: partner ZJ is deployed in cn-north-1, not cn-northwest-1/);
    expect(problems).toMatch(/partner ZJ is deployed in account 111111111111, not 999999999999/);
    expect(problems).toMatch(/partner ZJ does not list JS among its partners/);
    expect(problems).toMatch(/partner JS does not list SH/);
  });

  it('builds partition-aware bus ARNs named by province, not by region', () => {
    const cfg = parseDeployment({
      ...base,
      partners: [
        { code: 'ZJ', account: '111111111111', region: 'cn-north-1', apiUrl: 'https://api.example' },
        { code: 'SH', account: '111111111111', region: 'cn-north-1', apiUrl: 'https://api.example' },
      ],
    });
    expect(cfg.partners.map(eventBusArn)).toEqual([
      'arn:aws-cn:events:cn-north-1:111111111111:event-bus/green-channel-ZJ',
      'arn:aws-cn:events:cn-north-1:111111111111:event-bus/green-channel-SH',
    ]);
    expect(eventBusArn({ code: 'GD', account: '222222222222', region: 'ap-east-1' })).toBe(
      'arn:aws:events:ap-east-1:222222222222:event-bus/green-channel-GD',
    );
  });

  it('lets several provinces share one region and account', () => {
    const list = parseDeployments([
      { ...base, account: '123456789012' },
      { ...base, province: 'ZJ', account: '123456789012' },
    ]);
    expect(list.map((d) => d.province)).toEqual(['JS', 'ZJ']);
  });

  it('rejects what would only fail at deploy time, listing every problem', () => {
    const attempt = () =>
      parseDeployments([
        {
          ...base,
          partition: 'aws',
          identity: { ...identity, jwksUrl: 'http://insecure.example/jwks' },
          partners: [
            { code: 'JS', account: '111111111111', region: 'cn-north-1', apiUrl: 'https://api.example' },
            { code: 'GD', account: '111111111111', region: 'ap-east-1', apiUrl: 'https://api.example' },
            { code: 'GD', account: '12345', region: 'cn-north-1', apiUrl: 'https://api.example' },
          ],
        },
        base,
      ]);
    expect(attempt).toThrow(DeploymentConfigError);
    const problems = (() => {
      try {
        attempt();
        return [];
      } catch (e) {
        return (e as DeploymentConfigError).problems;
      }
    })();
    const text = problems.join('\n');
    expect(text).toMatch(/identity\.jwksUrl/);
    expect(text).toMatch(/partners\.2\.account/);
    expect(text).toMatch(/partition aws-cn, not aws/);
    expect(text).toMatch(/cannot partner with itself/);
    expect(text).toMatch(/duplicate partner GD/);
    expect(text).toMatch(/duplicate JS/);
  });

  it('rejects a partner in another partition (EventBridge cannot cross it)', () => {
    expect(() =>
      parseDeployment({
        ...base,
        partners: [
          { code: 'GD', account: '111111111111', region: 'ap-east-1', apiUrl: 'https://api.example' },
        ],
      }),
    ).toThrow(/partner GD is in partition aws/);
  });

  it('serves the console through the API by default, signing in with the OIDC client of the console', () => {
    expect(parseDeployment(base).console).toEqual({
      hosting: 'api',
      oidcClientId: 'green-channel-console',
      oidcScope: 'openid',
    });
  });

  it('refuses CloudFront for the console in a China region without an ICP-filed domain and certificate', () => {
    expect(() => parseDeployment({ ...base, console: { hosting: 'cloudfront' } })).toThrow(
      /console\.icpFiling[\s\S]*console\.domainName[\s\S]*console\.certificate/,
    );
    const filed = parseDeployment({
      ...base,
      console: {
        hosting: 'cloudfront',
        icpFiling: '苏ICP备12345678号',
        domainName: 'gc.jiangsu.example.cn',
        certificate: 'ASCAEXAMPLEIAMCERTID',
      },
    });
    expect(filed.console.hosting).toBe('cloudfront');
  });
});
