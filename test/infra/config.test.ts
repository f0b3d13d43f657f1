import { describe, expect, it } from 'vitest';
import {
  DeploymentConfigError,
  eventBusArn,
  type ProvinceDeploymentInput,
  parseDeployment,
  parseDeployments,
  partitionOf,
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

  it('ships 江苏 in cn-north-1 by default', () => {
    const [js] = parseDeployments(defaultDeployments);
    expect(js).toMatchObject({ province: 'JS', region: 'cn-north-1', partition: 'aws-cn', partners: [] });
  });

  it('builds partition-aware bus ARNs named by province, not by region', () => {
    const cfg = parseDeployment({
      ...base,
      partners: [
        { code: 'ZJ', account: '111111111111', region: 'cn-north-1' },
        { code: 'SH', account: '111111111111', region: 'cn-north-1' },
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
            { code: 'JS', account: '111111111111', region: 'cn-north-1' },
            { code: 'GD', account: '111111111111', region: 'ap-east-1' },
            { code: 'GD', account: '12345', region: 'cn-north-1' },
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
      parseDeployment({ ...base, partners: [{ code: 'GD', account: '111111111111', region: 'ap-east-1' }] }),
    ).toThrow(/partner GD is in partition aws/);
  });
});
