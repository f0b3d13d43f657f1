import { App } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/build.js';
import {
  eventBusArn,
  type ProvinceDeployment,
  parseDeployment,
  parseDeployments,
  stackName,
} from '../../infra/config.js';
import { defaultDeployments } from '../../infra/deployments.js';
import { ProvinceStack } from '../../infra/province-stack.js';
import { forwardPattern, inboundPattern } from '../../shared/domain/cross-province-rules.js';
import { type EventPattern, matchesPattern } from '../../shared/domain/event-pattern.js';

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON is untyped; the assertions check its shape
type Resource = { Type: string; Properties: Record<string, any>; DeletionPolicy?: string };

// Bundling with esbuild is the slow part: each stack is built once per file and shared by the tests,
// and only 江苏's stack bundles for real (the others use the bundling-skipped placeholder asset,
// which changes nothing else in the template). test/infra/lambda-bundles.test.ts checks every entry.
let deployments: ProvinceDeployment[];
let stacks: ProvinceStack[];
let templates: Template[];
/** the variants below, built without bundling */
let variants: ProvinceStack[];
/** 江苏, the first default deployment */
let template: Template;
/** 浙江 with an alarm address */
let alarmed: Template;
/** a province with no partners at all */
let solo: Template;
let synthMs = 0;

const noBundling = () => new App({ context: { 'aws:cdk:bundling-stacks': [] } });

/** The application's own functions (Node.js); the console deployment's CDK-provided handler is not one. */
const functionsOf = (t: Template) =>
  Object.entries(t.findResources('AWS::Lambda::Function') as Record<string, Resource>).filter(([, r]) =>
    String(r.Properties.Runtime).startsWith('nodejs'),
  );
const allFunctionsOf = (t: Template) =>
  Object.values(t.findResources('AWS::Lambda::Function') as Record<string, Resource>);

const logicalIdOfFunction = (t: Template, description: RegExp): string => {
  const fns = functionsOf(t).filter(([, r]) => description.test(String(r.Properties.Description ?? '')));
  expect(fns, `exactly one function described ${description}`).toHaveLength(1);
  return fns[0]![0];
};

/** Every IAM action granted to the role of a function. */
const actionsOf = (t: Template, fnId: string): string[] => {
  const policies = Object.values(t.findResources('AWS::IAM::Policy') as Record<string, Resource>);
  const fn = t.findResources('AWS::Lambda::Function')[fnId] as Resource;
  const roleId = fn.Properties.Role['Fn::GetAtt'][0];
  return policies
    .filter((p) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref === roleId))
    .flatMap((p) =>
      p.Properties.PolicyDocument.Statement.flatMap((s: { Action: string | string[] }) => s.Action),
    );
};

/** Flattens Fn::Join into text, replacing each token with a readable marker. */
function joinText(value: unknown): string {
  if (typeof value === 'string') return value;
  const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (!join) return `<<${JSON.stringify(value)}>>`;
  return join[1]
    .map((part) => (typeof part === 'string' ? part : `<<${JSON.stringify(part)}>>`))
    .join(join[0]);
}

beforeAll(() => {
  const started = Date.now();
  deployments = parseDeployments(defaultDeployments);
  // Exactly what infra/app.ts builds, in one app.
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [stackName('JS')] } });
  stacks = buildApp(app, deployments);
  templates = stacks.map((s) => Template.fromStack(s));
  template = templates[0]!;

  const zj = deployments.find((d) => d.province === 'ZJ')!;
  const alarmedStack = new ProvinceStack(noBundling(), 'green-channel-ZJ', {
    deployment: { ...zj, alarmEmail: 'ops@example.com' },
    env: { account: zj.account, region: zj.region },
  });
  alarmed = Template.fromStack(alarmedStack);
  const lonely = parseDeployment({
    province: 'AH',
    account: '333333333333',
    region: 'cn-northwest-1',
    identity: {
      jwksUrl: 'https://idp.ah.example/jwks.json',
      issuer: 'https://idp.ah.example/',
      audience: 'gc-AH',
    },
  });
  const soloStack = new ProvinceStack(noBundling(), 'green-channel-AH', {
    deployment: lonely,
    env: { account: lonely.account, region: lonely.region },
  });
  solo = Template.fromStack(soloStack);
  variants = [alarmedStack, soloStack];
  synthMs = Date.now() - started;
});

describe('ProvinceStack', () => {
  it('synthesizes the test stacks in reasonable time', () => {
    // Not a benchmark: a guard against bundling silently falling back to something slow (Docker).
    expect(synthMs).toBeLessThan(60_000);
  });

  it('builds one stack per default province, each in its own account and region', () => {
    expect(stacks.map((s) => [s.stackName, s.account, s.region])).toEqual([
      ['green-channel-JS', '111111111111', 'cn-north-1'],
      ['green-channel-ZJ', '111111111111', 'cn-north-1'],
      ['green-channel-SH', '222222222222', 'cn-northwest-1'],
    ]);
    deployments.forEach((d, i) => {
      templates[i]!.hasResourceProperties('AWS::Events::EventBus', {
        Name: `green-channel-${d.province}`,
      });
    });
  });

  it('keeps the single table with its GSI, point-in-time recovery and deletion protection', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        // idempotency records expire (GC_IDEMPOTENCY_TTL_HOURS); the table deletes them
        TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
        GlobalSecondaryIndexes: [
          Match.objectLike({
            IndexName: 'gsi1',
            KeySchema: [
              { AttributeName: 'gsi1pk', KeyType: 'HASH' },
              { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          }),
        ],
      }),
    });
  });

  it('serves the API through an HTTP API integrated with the API Lambda (no function URL)', () => {
    const apiFn = logicalIdOfFunction(template, /HTTP API/);
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      ProtocolType: 'HTTP',
      Name: 'green-channel-JS',
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      IntegrationUri: { 'Fn::GetAtt': [apiFn, 'Arn'] },
      PayloadFormatVersion: '2.0',
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: '$default' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }),
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [apiFn, 'Arn'] },
      Principal: 'apigateway.amazonaws.com',
    });
    template.resourceCountIs('AWS::Lambda::Url', 0);
    for (const t of [...templates, alarmed, solo]) t.resourceCountIs('AWS::Lambda::Url', 0);
  });

  it('inlines the stage-case definition with the real task Lambda ARN and no placeholder left', () => {
    const taskFn = logicalIdOfFunction(template, /workflow tasks/);
    const machines = template.findResources('AWS::StepFunctions::StateMachine') as Record<string, Resource>;
    expect(Object.keys(machines)).toHaveLength(1);
    const machine = Object.values(machines)[0]!;
    expect(machine.Properties.StateMachineType).toBe('STANDARD');
    expect(machine.Properties.StateMachineName).toBe('green-channel-JS-stage-case');
    expect(machine.Properties.DefinitionS3Location).toBeUndefined();
    expect(machine.Properties.LoggingConfiguration).toMatchObject({ Level: 'ERROR' });

    const text = joinText(machine.Properties.DefinitionString);
    const taskRef = `<<${JSON.stringify({ 'Fn::GetAtt': [taskFn, 'Arn'] })}>>`;
    expect(text).toContain(taskRef);
    expect(text).not.toMatch(/\$\{/);
    // Every token in the definition is the task Lambda's ARN; with a stand-in it is valid JSON.
    const markers = [...text.matchAll(/<<.*?>>(?=")/g)].map((m) => m[0]);
    expect(new Set(markers)).toEqual(new Set([taskRef]));
    const definition = JSON.parse(text.split(taskRef).join('arn:aws-cn:lambda:cn-north-1:1:function:task'));
    expect(Object.keys(definition.States).length).toBeGreaterThan(0);

    // The state machine may invoke the task Lambda (and only through its own role).
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'lambda:InvokeFunction',
            Resource: Match.arrayWith([{ 'Fn::GetAtt': [taskFn, 'Arn'] }]),
          }),
        ]),
      },
    });
  });

  it('runs every Lambda on a current Node runtime on arm64, wired by environment', () => {
    expect(functionsOf(template)).toHaveLength(5);
    expect(functionsOf(solo)).toHaveLength(4);
    const all = [...templates, alarmed, solo];
    for (const t of all) {
      // One custom resource only, the console's BucketDeployment (its handler's runtime is CDK's):
      // anything else would bring another CDK-managed Lambda on a runtime we do not control.
      const custom = Object.values(t.toJSON().Resources as Record<string, Resource>).filter((r) =>
        /^Custom::|^AWS::CloudFormation::CustomResource$/.test(r.Type),
      );
      expect(custom.map((r) => r.Type)).toEqual(['Custom::CDKBucketDeployment']);
      expect(allFunctionsOf(t).length - functionsOf(t).length).toBe(1);
      for (const [, fn] of functionsOf(t)) {
        const runtime = String(fn.Properties.Runtime);
        expect(runtime).not.toBe('nodejs20.x');
        const major = Number(/^nodejs(\d+)\.x$/.exec(runtime)?.[1]);
        expect(major, runtime).toBeGreaterThanOrEqual(22);
        expect(fn.Properties.Architectures).toEqual(['arm64']);
        expect(Object.keys(fn.Properties.Environment.Variables)).toEqual(
          expect.arrayContaining([
            'TABLE_NAME',
            'STATE_MACHINE_ARN',
            'EVENT_BUS_NAME',
            'PROVINCE',
            'SIGNING_KEY_ID',
            'BLOB_BUCKET',
            'PARTNERS',
          ]),
        );
      }
    }
    templates.forEach((t, i) => {
      const d = deployments[i]!;
      for (const [, fn] of functionsOf(t)) {
        const vars = fn.Properties.Environment.Variables;
        expect(vars.PROVINCE).toBe(d.province);
        expect(JSON.parse(vars.PARTNERS)).toEqual(
          Object.fromEntries(d.partners.map((p) => [p.code, { apiUrl: p.apiUrl }])),
        );
        expect(vars.SIGNING_KEY_ID).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Signing/), 'Arn'] });
        expect(vars.BLOB_BUCKET).toEqual({ Ref: expect.stringMatching(/^Materials/) });
      }
    });
    const apiFn = logicalIdOfFunction(template, /HTTP API/);
    const api = template.findResources('AWS::Lambda::Function')[apiFn] as Resource;
    expect(api.Properties.Environment.Variables).toMatchObject({
      JWKS_URL: 'https://idp.js.green-channel.example/.well-known/jwks.json',
      TOKEN_ISSUER: 'https://idp.js.green-channel.example/',
      TOKEN_AUDIENCE: 'green-channel-JS',
      CONSOLE_OIDC_CLIENT_ID: 'green-channel-console',
      CONSOLE_OIDC_SCOPE: 'openid',
      CONSOLE_BUCKET: { Ref: expect.stringMatching(/^ConsoleBucket/) },
    });
  });

  it('grants each function only what its role needs', () => {
    const of = (d: RegExp) => actionsOf(template, logicalIdOfFunction(template, d));
    const api = of(/HTTP API/);
    const task = of(/workflow tasks/);
    const sweeper = of(/sweeper/);
    const relay = of(/outbox relay/);
    const receiver = of(/partner province events/);
    for (const actions of [api, task, sweeper, relay, receiver]) {
      expect(actions).toEqual(expect.arrayContaining(['dynamodb:PutItem', 'events:PutEvents']));
      expect(actions).not.toContain('dynamodb:DeleteTable');
      expect(actions).not.toContain('s3:DeleteObject*');
      expect(actions.some((a) => a.endsWith(':*'))).toBe(false);
    }
    for (const actions of [api, task, sweeper, receiver]) expect(actions).toContain('states:SendTaskSuccess');
    expect(api).toContain('states:StartExecution');
    expect(sweeper).toContain('states:StartExecution');
    // The task Lambda runs inside an execution and the receiver only completes recognised items.
    expect(task).not.toContain('states:StartExecution');
    expect(receiver).not.toContain('states:StartExecution');
    // The relay publishes what is in the outbox, nothing more.
    expect(relay.filter((a) => /^(states|kms|s3):/.test(a))).toEqual([]);
    // Signing where results are committed; material content through the API only.
    // The sweeper signs audit checkpoints (审计检查点) and may only add them to their bucket.
    for (const actions of [api, task, sweeper])
      expect(actions).toEqual(expect.arrayContaining(['kms:Sign', 'kms:GetPublicKey']));
    for (const actions of [relay, receiver]) expect(actions.filter((a) => a.startsWith('kms:'))).toEqual([]);
    expect(api).toEqual(expect.arrayContaining(['s3:GetObject*', 's3:PutObject']));
    expect(sweeper.filter((a) => a.startsWith('s3:'))).toEqual(['s3:PutObject']);
    for (const actions of [task, relay, receiver])
      expect(actions.filter((a) => a.startsWith('s3:'))).toEqual([]);
  });

  it('keeps a P-256 signing key per province, retained, usable only for ECDSA_SHA_256 signing', () => {
    templates.forEach((t, i) => {
      const code = deployments[i]!.province;
      t.resourceCountIs('AWS::KMS::Key', 1);
      t.hasResource('AWS::KMS::Key', {
        DeletionPolicy: 'Retain',
        Properties: Match.objectLike({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }),
      });
      const [keyId] = Object.keys(t.findResources('AWS::KMS::Key'));
      t.hasResourceProperties('AWS::KMS::Alias', {
        AliasName: `alias/green-channel-${code}-signing`,
        TargetKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
      });
      t.hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            {
              Action: 'kms:Sign',
              Effect: 'Allow',
              Resource: { 'Fn::GetAtt': [keyId, 'Arn'] },
              Condition: { StringEquals: { 'kms:SigningAlgorithm': 'ECDSA_SHA_256' } },
            },
          ]),
        },
      });
    });
  });

  it('stores material content in a private, encrypted, versioned, retained bucket that demands TLS', () => {
    for (const t of templates) {
      // the material bucket, the console's, the audit checkpoints' and their access logs'
      t.resourceCountIs('AWS::S3::Bucket', 4);
      t.hasResource('AWS::S3::Bucket', {
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: Match.objectLike({
          BucketEncryption: {
            ServerSideEncryptionConfiguration: [
              { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
            ],
          },
          PublicAccessBlockConfiguration: {
            BlockPublicAcls: true,
            BlockPublicPolicy: true,
            IgnorePublicAcls: true,
            RestrictPublicBuckets: true,
          },
          VersioningConfiguration: { Status: 'Enabled' },
        }),
      });
      t.hasResourceProperties('AWS::S3::BucketPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 's3:*',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
    }
  });

  it('lets the console PUT and GET materials at presigned URLs (CORS from its origin), limit in the API', () => {
    const corsOf = (t: Template) => {
      const buckets = Object.values(t.findResources('AWS::S3::Bucket') as Record<string, Resource>);
      const withCors = buckets.filter((b) => b.Properties.CorsConfiguration);
      expect(withCors, 'only the material bucket answers browsers').toHaveLength(1);
      expect(withCors[0]!.DeletionPolicy).toBe('Retain');
      return withCors[0]!.Properties.CorsConfiguration.CorsRules;
    };
    for (const t of templates) {
      const [rule, ...more] = corsOf(t);
      expect(more).toEqual([]);
      expect(rule.AllowedMethods.sort()).toEqual(['GET', 'HEAD', 'PUT']);
      // the headers the presigned PUT signs, and nothing that would let another request through
      expect(rule.AllowedHeaders.sort()).toEqual(['content-type', 'x-amz-checksum-sha256']);
      // served by the API: the console's origin is the API's own endpoint, never '*'
      expect(rule.AllowedOrigins).toHaveLength(1);
      expect(rule.AllowedOrigins[0]).toEqual({
        'Fn::GetAtt': [expect.stringMatching(/^ApiHttpApi/), 'ApiEndpoint'],
      });
      const api = t.findResources('AWS::Lambda::Function')[logicalIdOfFunction(t, /HTTP API/)] as Resource;
      expect(api.Properties.Environment.Variables.GC_MATERIAL_MAX_BYTES).toBe(String(200 * 1024 * 1024));
    }
    const cdn = parseDeployment({
      province: 'AH',
      account: '333333333333',
      region: 'cn-northwest-1',
      identity: {
        jwksUrl: 'https://idp.ah.example/jwks.json',
        issuer: 'https://idp.ah.example/',
        audience: 'gc',
      },
      console: {
        hosting: 'cloudfront',
        domainName: 'gc.ah.example.cn',
        certificate: 'ASCAEXAMPLE',
        icpFiling: '皖ICP备12345678号',
      },
    });
    const t = Template.fromStack(
      new ProvinceStack(noBundling(), 'green-channel-AH-cors', {
        deployment: cdn,
        env: { account: cdn.account, region: cdn.region },
      }),
    );
    // through CloudFront the console's origin is its filed domain
    expect(corsOf(t)[0].AllowedOrigins).toContain('https://gc.ah.example.cn');
  });

  it('keeps audit checkpoints in a bucket with Object Lock in compliance mode, appended by the sweeper only', () => {
    for (const t of templates) {
      const locked = Object.entries(t.findResources('AWS::S3::Bucket') as Record<string, Resource>).filter(
        ([, r]) => r.Properties.ObjectLockEnabled === true,
      );
      expect(locked).toHaveLength(1);
      const [bucketId, bucket] = locked[0]!;
      expect(bucket.DeletionPolicy).toBe('Retain');
      expect(bucket.Properties.ObjectLockConfiguration).toEqual({
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 3650 } },
      });
      expect(bucket.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
      const sweeperId = logicalIdOfFunction(t, /deadline sweeper/);
      const sweeperFn = t.findResources('AWS::Lambda::Function')[sweeperId] as Resource;
      expect(sweeperFn.Properties.Environment.Variables.CHECKPOINT_BUCKET).toEqual({ Ref: bucketId });
      // the one statement naming the bucket for the sweeper: PutObject on checkpoints/*, nothing else
      const roleId = sweeperFn.Properties.Role['Fn::GetAtt'][0];
      const statements = Object.values(t.findResources('AWS::IAM::Policy') as Record<string, Resource>)
        .filter((p) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref === roleId))
        .flatMap(
          (p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[],
        )
        .filter((st) => JSON.stringify(st.Resource).includes(bucketId));
      expect(statements).toHaveLength(1);
      expect(statements[0]!.Action).toBe('s3:PutObject');
      expect(joinText(statements[0]!.Resource)).toMatch(/\/checkpoints\/\*$/);
    }
  });

  it('forwards to each partner only what forwardPattern selects, to the partner bus in aws-cn', () => {
    templates.forEach((t, i) => {
      const self = deployments[i]!;
      const rules = Object.values(t.findResources('AWS::Events::Rule') as Record<string, Resource>);
      const forwarding = rules.filter((r) =>
        r.Properties.Targets?.some((target: { Arn: unknown }) => typeof target.Arn === 'string'),
      );
      expect(forwarding).toHaveLength(self.partners.length);
      expect(self.partners).toHaveLength(2);
      for (const partner of self.partners) {
        const arn = eventBusArn(partner);
        expect(arn).toMatch(
          new RegExp(
            `^arn:aws-cn:events:${partner.region}:${partner.account}:event-bus/green-channel-${partner.code}$`,
          ),
        );
        const matching = forwarding.filter((r) => r.Properties.Targets[0].Arn === arn);
        expect(matching, `${self.province} → ${partner.code}`).toHaveLength(1);
        const rule = matching[0]!;
        // Passed unchanged: exactly the shared pattern, nothing added or renamed.
        expect(rule.Properties.EventPattern).toEqual(forwardPattern(self.province, partner.code));
        expect(rule.Properties.EventBusName).toEqual({ Ref: expect.stringMatching(/^EventsBus/) });
        expect(rule.Properties.Targets).toHaveLength(1);
        const target = rule.Properties.Targets[0];
        expect(target.RoleArn).toEqual({ 'Fn::GetAtt': [expect.any(String), 'Arn'] });
        expect(target.DeadLetterConfig).toEqual({ Arn: { 'Fn::GetAtt': [expect.any(String), 'Arn'] } });
        // The rule's role may put events on this partner's bus and nowhere else.
        const roleId = target.RoleArn['Fn::GetAtt'][0];
        const statements = Object.values(t.findResources('AWS::IAM::Policy') as Record<string, Resource>)
          .filter((p) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref === roleId))
          .flatMap((p) => p.Properties.PolicyDocument.Statement);
        expect(statements).toEqual([{ Action: 'events:PutEvents', Effect: 'Allow', Resource: arn }]);
      }
    });
  });

  it('admits on its bus only partners in other accounts, and only their own cross-province events', () => {
    const admitted = (t: Template) =>
      Object.values(t.findResources('AWS::Events::EventBusPolicy') as Record<string, Resource>).map(
        (p) => p.Properties.Statement,
      );
    templates.forEach((t, i) => {
      const self = deployments[i]!;
      const foreign = self.partners.filter((p) => p.account !== self.account);
      const statements = admitted(t);
      expect(statements.map((s) => s.Sid).sort()).toEqual(foreign.map((p) => `cdk-From${p.code}`).sort());
      for (const partner of foreign) {
        const s = statements.find((x) => x.Sid === `cdk-From${partner.code}`);
        expect(s).toMatchObject({
          Effect: 'Allow',
          Action: 'events:PutEvents',
          Resource: { 'Fn::GetAtt': [expect.stringMatching(/^EventsBus/), 'Arn'] },
          Condition: {
            StringEquals: {
              'events:source': [`green-channel.${partner.code}`],
              'events:detail-type': inboundPattern([partner.code])['detail-type'],
            },
          },
        });
        expect(JSON.stringify(s.Principal)).toContain(`:iam::${partner.account}:root`);
      }
    });
    // JS and ZJ share an account: each admits only SH; SH admits both.
    expect(admitted(templates[0]!).map((s) => s.Sid)).toEqual(['cdk-FromSH']);
    expect(
      admitted(templates[2]!)
        .map((s) => s.Sid)
        .sort(),
    ).toEqual(['cdk-FromJS', 'cdk-FromZJ']);
    solo.resourceCountIs('AWS::Events::EventBusPolicy', 0);
  });

  it('hands inbound partner events to the receiver, with retries and a dead-letter queue', () => {
    templates.forEach((t, i) => {
      const self = deployments[i]!;
      const receiver = logicalIdOfFunction(t, /partner province events/);
      const rules = Object.values(t.findResources('AWS::Events::Rule') as Record<string, Resource>).filter(
        (r) => JSON.stringify(r.Properties.Targets ?? []).includes(`"${receiver}"`),
      );
      expect(rules).toHaveLength(1);
      const rule = rules[0]!;
      expect(rule.Properties.EventPattern).toEqual(inboundPattern(self.partners.map((p) => p.code)));
      expect(rule.Properties.EventBusName).toEqual({ Ref: expect.stringMatching(/^EventsBus/) });
      expect(rule.Properties.Targets).toEqual([
        expect.objectContaining({
          Arn: { 'Fn::GetAtt': [receiver, 'Arn'] },
          DeadLetterConfig: {
            Arn: { 'Fn::GetAtt': [expect.stringMatching(/^PartnerReceiverDeadLetters/), 'Arn'] },
          },
          RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 21600 },
        }),
      ]);
      // A function error (not only a failed delivery) also ends in the dead-letter queue.
      const fn = t.findResources('AWS::Lambda::Function')[receiver] as Resource;
      expect(fn.Properties.DeadLetterConfig).toEqual({
        TargetArn: { 'Fn::GetAtt': [expect.stringMatching(/^PartnerReceiverDeadLetters/), 'Arn'] },
      });
      t.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: receiver },
        MaximumRetryAttempts: 2,
        MaximumEventAgeInSeconds: 21600,
      });
      t.hasResourceProperties('AWS::Lambda::Permission', {
        FunctionName: { 'Fn::GetAtt': [receiver, 'Arn'] },
        Principal: 'events.amazonaws.com',
        SourceArn: Match.anyValue(),
      });
    });
    // No partner, no receiver and no link.
    expect(JSON.stringify(solo.findResources('AWS::Lambda::Function'))).not.toMatch(
      /partner province events/,
    );
    expect(
      Object.values(solo.findResources('AWS::Events::Rule') as Record<string, Resource>).filter(
        (r) => r.Properties.EventPattern,
      ),
    ).toEqual([]);
  });

  it('creates the province bus, runs the sweeper every 5 minutes and the outbox relay every minute', () => {
    template.hasResourceProperties('AWS::Events::EventBus', { Name: 'green-channel-JS' });
    for (const [description, rate] of [
      [/sweeper/, 'rate(5 minutes)'],
      [/outbox relay/, 'rate(1 minute)'],
    ] as const) {
      for (const t of [...templates, solo]) {
        const fn = logicalIdOfFunction(t, description);
        t.hasResourceProperties('AWS::Events::Rule', {
          ScheduleExpression: rate,
          State: 'ENABLED',
          Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [fn, 'Arn'] } })],
        });
        t.hasResourceProperties('AWS::Lambda::Permission', {
          FunctionName: { 'Fn::GetAtt': [fn, 'Arn'] },
          Principal: 'events.amazonaws.com',
        });
      }
    }
  });

  it('drains the outbox from the table stream: only inserted outbox items invoke the relay, failures go to a queue', () => {
    for (const t of [...templates, solo]) {
      // keys are enough: the relay reads the due outbox itself
      t.hasResourceProperties('AWS::DynamoDB::Table', {
        StreamSpecification: { StreamViewType: 'KEYS_ONLY' },
      });
      const relay = logicalIdOfFunction(t, /outbox relay/);
      const mappings = Object.values(
        t.findResources('AWS::Lambda::EventSourceMapping') as Record<string, Resource>,
      );
      expect(mappings).toHaveLength(1);
      const m = mappings[0]!.Properties;
      const table = Object.keys(t.findResources('AWS::DynamoDB::Table'))[0]!;
      expect(m.FunctionName).toEqual({ Ref: relay });
      expect(m.EventSourceArn).toEqual({ 'Fn::GetAtt': [table, 'StreamArn'] });
      expect(m).toMatchObject({
        StartingPosition: 'LATEST',
        BatchSize: 100,
        MaximumBatchingWindowInSeconds: 0,
        BisectBatchOnFunctionError: true,
        MaximumRetryAttempts: 2,
      });
      const dlq = m.DestinationConfig.OnFailure.Destination['Fn::GetAtt'];
      expect(t.findResources('AWS::SQS::Queue')[dlq[0]]).toBeDefined();
      expect(actionsOf(t, relay)).toEqual(expect.arrayContaining(['dynamodb:GetRecords', 'sqs:SendMessage']));

      const filters = m.FilterCriteria.Filters as { Pattern: string }[];
      expect(filters).toHaveLength(1);
      const pattern = JSON.parse(filters[0]!.Pattern) as EventPattern;
      const record = (eventName: string, pk: string) => ({
        eventName,
        eventSource: 'aws:dynamodb',
        dynamodb: { Keys: { pk: { S: pk }, sk: { S: pk.split('#')[0] } }, StreamViewType: 'KEYS_ONLY' },
      });
      expect(matchesPattern(pattern, record('INSERT', 'OUTBOX#JS:E01'))).toBe(true);
      // its rescheduling and deletion, and every other item of the table, do not invoke it
      expect(matchesPattern(pattern, record('MODIFY', 'OUTBOX#JS:E01'))).toBe(false);
      expect(matchesPattern(pattern, record('REMOVE', 'OUTBOX#JS:E01'))).toBe(false);
      expect(matchesPattern(pattern, record('INSERT', 'STAGECASE#C1'))).toBe(false);
      expect(matchesPattern(pattern, record('INSERT', 'IDEM#OUTBOX#x'))).toBe(false);
    }
    // the schedule stays as the safety net (previous test); a failed stream batch is alarmed
    alarmed.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmDescription: 'OutboxStream: events in the dead-letter queue',
    });
  });

  it('tags everything with the province', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      Tags: Match.arrayWith([{ Key: 'province', Value: 'JS' }]),
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Tags: Match.arrayWith([{ Key: 'province', Value: 'JS' }]),
    });
  });

  it('raises alarms only when an address is configured, dead letters included', () => {
    alarmed.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
    const alarms = Object.values(alarmed.findResources('AWS::CloudWatch::Alarm') as Record<string, Resource>);
    // five functions, three dead-letter queues (forward, partner events, outbox stream), failed and
    // timed-out executions, relay lag and failures, the API's 5xx rate
    expect(alarms.length).toBe(13);
    expect(
      alarms.filter((a) => a.Properties.MetricName === 'ApproximateNumberOfMessagesVisible'),
    ).toHaveLength(3);
    for (const t of templates) t.resourceCountIs('AWS::CloudWatch::Alarm', 0);
  });

  it("alarms on relay lag and failures (from the functions' EMF metrics) and on the API's 5xx rate", () => {
    const alarms = Object.values(alarmed.findResources('AWS::CloudWatch::Alarm') as Record<string, Resource>);
    const lag = alarms.find((a) => a.Properties.MetricName === 'RelayLag');
    // the metric as Powertools Metrics writes it from the relay function (functions/aws/observability.ts)
    expect(lag?.Properties).toMatchObject({
      Namespace: 'GreenChannel',
      Statistic: 'Maximum',
      Period: 300,
      Threshold: 5 * 60_000, // milliseconds: the stream relays in seconds, the schedule within a minute
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
    expect(lag?.Properties.Dimensions).toEqual(
      expect.arrayContaining([
        { Name: 'service', Value: 'green-channel' },
        { Name: 'province', Value: 'ZJ' },
      ]),
    );
    const failures = alarms.find((a) => a.Properties.MetricName === 'RelayFailures');
    expect(failures?.Properties).toMatchObject({
      Namespace: 'GreenChannel',
      Statistic: 'Sum',
      Threshold: 10,
    });

    // the 5xx share of the HTTP API's requests, ignored below 20 requests in the five minutes
    const rate = alarms.find((a) => a.Properties.Metrics?.some((m: { Expression?: string }) => m.Expression));
    expect(rate?.Properties.Threshold).toBe(5);
    const metrics = rate?.Properties.Metrics as {
      Id: string;
      Expression?: string;
      MetricStat?: {
        Metric: { MetricName: string; Namespace: string; Dimensions: { Name: string; Value: unknown }[] };
      };
    }[];
    expect(metrics.find((m) => m.Expression)?.Expression).toBe(
      'IF(requests >= 20, 100 * errors / requests, 0)',
    );
    const byId = Object.fromEntries(
      metrics.filter((m) => m.MetricStat).map((m) => [m.Id, m.MetricStat!.Metric]),
    );
    expect(byId.errors).toMatchObject({ Namespace: 'AWS/ApiGateway', MetricName: '5xx' });
    expect(byId.requests).toMatchObject({ Namespace: 'AWS/ApiGateway', MetricName: 'Count' });
    // of this stack's HTTP API
    const [apiId] = Object.keys(alarmed.findResources('AWS::ApiGatewayV2::Api'));
    expect(byId.errors?.Dimensions).toEqual([{ Name: 'ApiId', Value: { Ref: apiId } }]);
  });

  it('traces every function and the state machine with X-Ray', () => {
    for (const t of [...templates, alarmed, solo]) {
      const fns = Object.values(t.findResources('AWS::Lambda::Function') as Record<string, Resource>).filter(
        // CDK's own helper functions (bucket deployment) are not ours to trace
        (f) => f.Properties.Handler === 'index.handler' && f.Properties.Runtime === 'nodejs24.x',
      );
      expect(fns.length).toBeGreaterThanOrEqual(4);
      for (const f of fns) expect(f.Properties.TracingConfig).toEqual({ Mode: 'Active' });
      t.hasResourceProperties('AWS::StepFunctions::StateMachine', {
        TracingConfiguration: { Enabled: true },
      });
    }
  });

  it('deploys the built console to a private bucket the API serves, with no CloudFront by default', () => {
    for (const t of templates) {
      t.hasResourceProperties('Custom::CDKBucketDeployment', {
        DestinationBucketName: { Ref: Match.stringLikeRegexp('^ConsoleBucket') },
        Prune: false,
      });
      t.hasResourceProperties('AWS::S3::Bucket', {
        PublicAccessBlockConfiguration: Match.objectLike({
          BlockPublicPolicy: true,
          RestrictPublicBuckets: true,
        }),
      });
      t.resourceCountIs('AWS::CloudFront::Distribution', 0);
    }
    const apiFn = logicalIdOfFunction(template, /HTTP API/);
    expect(actionsOf(template, apiFn)).toEqual(expect.arrayContaining(['s3:GetObject*']));
    // the console stays up on the API's own address
    expect(JSON.stringify(template.findOutputs('*'))).toContain('console (served by the HTTP API)');
  });

  it('serves the console through CloudFront when chosen: assets from the bucket, the rest from the API', () => {
    const cdn = parseDeployment({
      province: 'AH',
      account: '333333333333',
      region: 'ap-east-1',
      identity: {
        jwksUrl: 'https://idp.ah.example/jwks.json',
        issuer: 'https://idp.ah.example/',
        audience: 'gc',
      },
      console: { hosting: 'cloudfront' },
    });
    const t = Template.fromStack(
      new ProvinceStack(noBundling(), 'green-channel-AH-cdn', {
        deployment: cdn,
        env: { account: cdn.account, region: cdn.region },
      }),
    );
    t.resourceCountIs('AWS::CloudFront::Distribution', 1);
    t.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    t.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        CacheBehaviors: [Match.objectLike({ PathPattern: '/assets/*' })],
      }),
    });
  });

  it('synthesizes for the China partition with no warnings or errors', () => {
    for (const s of [...stacks, ...variants]) {
      expect(s.region.startsWith('cn-')).toBe(true);
      const annotations = Annotations.fromStack(s);
      expect(annotations.findWarning('*', Match.anyValue())).toEqual([]);
      expect(annotations.findError('*', Match.anyValue())).toEqual([]);
    }
  });
});
