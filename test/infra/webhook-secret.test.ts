import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { DeploymentConfigError, type ProvinceDeploymentInput, parseDeployment } from '../../infra/config.js';
import { ProvinceStack } from '../../infra/province-stack.js';

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON is untyped; the assertions check its shape
type Resource = { Type: string; Properties: Record<string, any> };

/** Webhooks on AWS: the stack keeps their secret in Secrets Manager, readable by the relay only. */

const base: ProvinceDeploymentInput = {
  province: 'AH',
  account: '333333333333',
  region: 'cn-northwest-1',
  identity: {
    jwksUrl: 'https://idp.ah.example/jwks.json',
    issuer: 'https://idp.ah.example/',
    audience: 'gc-AH',
  },
};

const synth = (input: ProvinceDeploymentInput) => {
  const deployment = parseDeployment(input);
  const stack = new ProvinceStack(
    new App({ context: { 'aws:cdk:bundling-stacks': [] } }),
    'green-channel-AH',
    {
      deployment,
      env: { account: deployment.account, region: deployment.region },
    },
  );
  return Template.fromStack(stack);
};

let hooked: Template;
let plain: Template;
beforeAll(() => {
  hooked = synth({
    ...base,
    webhooks: [
      // the working group's gateway: its URL carries a token, so it goes into the secret
      { name: 'working-group' },
      { name: 'audit-feed', url: 'https://audit.ah.example/hooks/gc', events: ['ReportDelivered'] },
    ],
  });
  plain = synth(base);
});

const functions = (t: Template) =>
  Object.entries(t.findResources('AWS::Lambda::Function') as Record<string, Resource>).filter(([, r]) =>
    String(r.Properties.Runtime).startsWith('nodejs'),
  );

/** The statements of the policies attached to a function's role. */
const statementsOf = (t: Template, fn: Resource) => {
  const roleId = fn.Properties.Role['Fn::GetAtt'][0];
  return Object.values(t.findResources('AWS::IAM::Policy') as Record<string, Resource>)
    .filter((p) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref === roleId))
    .flatMap(
      (p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[],
    );
};

describe('webhook secret', () => {
  it('generates the signing secret in Secrets Manager, retained, with nothing secret in the template', () => {
    const secrets = hooked.findResources('AWS::SecretsManager::Secret') as Record<string, Resource>;
    expect(Object.keys(secrets)).toHaveLength(1);
    const [secret] = Object.values(secrets) as (Resource & { DeletionPolicy?: string })[];
    expect(secret!.Properties).toMatchObject({
      Name: 'green-channel/AH/webhooks',
      GenerateSecretString: { GenerateStringKey: 'signingSecret', SecretStringTemplate: '{}' },
    });
    expect(secret!.Properties.SecretString).toBeUndefined();
    expect(secret!.DeletionPolicy).toBe('Retain');
    expect(JSON.stringify(hooked.toJSON())).not.toMatch(/signingSecret"\s*:\s*"/);
  });

  it('gives the list and the secret ARN to the outbox relay only, and only the relay may read it', () => {
    const secretId = Object.keys(hooked.findResources('AWS::SecretsManager::Secret'))[0]!;
    const fns = functions(hooked);
    const relay = fns.filter(([, f]) => /outbox relay/.test(f.Properties.Description));
    expect(relay).toHaveLength(1);
    const [, relayFn] = relay[0]!;
    const env = relayFn.Properties.Environment.Variables;
    expect(env.WEBHOOK_SECRET_ARN).toEqual({ Ref: secretId });
    expect(JSON.parse(env.WEBHOOKS)).toEqual([
      { name: 'working-group' },
      { name: 'audit-feed', url: 'https://audit.ah.example/hooks/gc', events: ['ReportDelivered'] },
    ]);
    const reads = statementsOf(hooked, relayFn).filter((s) =>
      [s.Action].flat().includes('secretsmanager:GetSecretValue'),
    );
    expect(reads).toEqual([expect.objectContaining({ Resource: { Ref: secretId }, Effect: 'Allow' })]);
    for (const [, other] of fns.filter(([, f]) => f !== relayFn)) {
      expect(other.Properties.Environment.Variables.WEBHOOK_SECRET_ARN).toBeUndefined();
      const actions = statementsOf(hooked, other).flatMap((s) => [s.Action].flat());
      expect(actions.filter((a) => a.startsWith('secretsmanager:'))).toEqual([]);
    }
  });

  it('creates no secret and sets no variable when no webhook is configured', () => {
    plain.resourceCountIs('AWS::SecretsManager::Secret', 0);
    const fns = functions(plain);
    expect(fns.length).toBeGreaterThan(0);
    for (const [, fn] of fns) {
      expect(fn.Properties.Environment.Variables).not.toHaveProperty('WEBHOOKS');
      expect(fn.Properties.Environment.Variables).not.toHaveProperty('WEBHOOK_SECRET_ARN');
    }
  });

  it('refuses duplicate webhook names and plain-http URLs in the deployment config', () => {
    expect(() =>
      parseDeployment({ ...base, webhooks: [{ name: 'wg' }, { name: 'wg', url: 'https://a.example/h' }] }),
    ).toThrow(DeploymentConfigError);
    expect(() => parseDeployment({ ...base, webhooks: [{ name: 'wg', url: 'http://a.example/h' }] })).toThrow(
      DeploymentConfigError,
    );
  });
});
