import { App } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseDeployment, parseDeployments, stackName } from '../../infra/config.js';
import { defaultDeployments } from '../../infra/deployments.js';
import { ProvinceStack } from '../../infra/province-stack.js';

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON is untyped; the assertions check its shape
type Resource = { Type: string; Properties: Record<string, any>; DeletionPolicy?: string };

// Bundling with esbuild is the slow part: each stack is built once per file and shared by the tests.
let stack: ProvinceStack;
let template: Template;
let linked: ProvinceStack;
let linkedTemplate: Template;
let synthMs = 0;

const logicalIdOfFunction = (t: Template, description: RegExp): string => {
  const fns = Object.entries(t.findResources('AWS::Lambda::Function') as Record<string, Resource>).filter(
    ([, r]) => description.test(String(r.Properties.Description ?? '')),
  );
  expect(fns, `exactly one function described ${description}`).toHaveLength(1);
  return fns[0]![0];
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
  const [js] = parseDeployments(defaultDeployments);
  const app = new App();
  stack = new ProvinceStack(app, stackName(js!.province), {
    deployment: js!,
    env: { account: js!.account, region: js!.region },
  });
  template = Template.fromStack(stack);

  // A second deployment in the other China region, with an account, partners and alarms.
  const withPartners = parseDeployment({
    province: 'ZJ',
    account: '123456789012',
    region: 'cn-northwest-1',
    identity: {
      jwksUrl: 'https://idp.zj.example/jwks.json',
      issuer: 'https://idp.zj.example/',
      audience: 'gc-ZJ',
    },
    partners: [
      { code: 'JS', account: '210987654321', region: 'cn-north-1' },
      { code: 'SH', account: '123456789012', region: 'cn-northwest-1' },
    ],
    alarmEmail: 'ops@example.com',
  });
  linked = new ProvinceStack(new App(), 'green-channel-ZJ', {
    deployment: withPartners,
    env: { account: withPartners.account, region: withPartners.region },
  });
  linkedTemplate = Template.fromStack(linked);
  synthMs = Date.now() - started;
});

describe('ProvinceStack', () => {
  it('synthesizes both test stacks in reasonable time', () => {
    // Not a benchmark: a guard against bundling silently falling back to something slow (Docker).
    expect(synthMs).toBeLessThan(60_000);
  });

  it('keeps the single table with its GSI, point-in-time recovery and deletion protection', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
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
    linkedTemplate.resourceCountIs('AWS::Lambda::Url', 0);
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

  it('creates the province bus and runs the sweeper every 5 minutes', () => {
    template.hasResourceProperties('AWS::Events::EventBus', { Name: 'green-channel-JS' });
    const sweeperFn = logicalIdOfFunction(template, /sweeper/);
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [sweeperFn, 'Arn'] } })],
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      FunctionName: { 'Fn::GetAtt': [sweeperFn, 'Arn'] },
      Principal: 'events.amazonaws.com',
    });
  });

  it('runs every Lambda on a current Node runtime on arm64, wired by environment', () => {
    const fns = Object.values(template.findResources('AWS::Lambda::Function') as Record<string, Resource>);
    expect(fns).toHaveLength(3);
    for (const t of [template, linkedTemplate]) {
      for (const fn of Object.values(t.findResources('AWS::Lambda::Function') as Record<string, Resource>)) {
        const runtime = String(fn.Properties.Runtime);
        expect(runtime).not.toBe('nodejs20.x');
        const major = Number(/^nodejs(\d+)\.x$/.exec(runtime)?.[1]);
        expect(major, runtime).toBeGreaterThanOrEqual(22);
        expect(fn.Properties.Architectures).toEqual(['arm64']);
        expect(Object.keys(fn.Properties.Environment.Variables)).toEqual(
          expect.arrayContaining(['TABLE_NAME', 'STATE_MACHINE_ARN', 'EVENT_BUS_NAME', 'PROVINCE']),
        );
        expect(fn.Properties.Environment.Variables.PROVINCE).toBe(t === template ? 'JS' : 'ZJ');
      }
    }
    const apiFn = logicalIdOfFunction(template, /HTTP API/);
    const api = template.findResources('AWS::Lambda::Function')[apiFn] as Resource;
    expect(api.Properties.Environment.Variables).toMatchObject({
      JWKS_URL: 'https://idp.js.green-channel.example/.well-known/jwks.json',
      TOKEN_ISSUER: 'https://idp.js.green-channel.example/',
      TOKEN_AUDIENCE: 'green-channel-JS',
    });
  });

  it('grants each function only what its role needs', () => {
    const policies = Object.values(template.findResources('AWS::IAM::Policy') as Record<string, Resource>);
    const actionsOf = (fnId: string): string[] => {
      const fn = template.findResources('AWS::Lambda::Function')[fnId] as Resource;
      const roleId = fn.Properties.Role['Fn::GetAtt'][0];
      return policies
        .filter((p) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref === roleId))
        .flatMap((p) =>
          p.Properties.PolicyDocument.Statement.flatMap((s: { Action: string | string[] }) => s.Action),
        );
    };
    const api = actionsOf(logicalIdOfFunction(template, /HTTP API/));
    const task = actionsOf(logicalIdOfFunction(template, /workflow tasks/));
    const sweeper = actionsOf(logicalIdOfFunction(template, /sweeper/));
    for (const actions of [api, task, sweeper]) {
      expect(actions).toEqual(
        expect.arrayContaining(['dynamodb:PutItem', 'events:PutEvents', 'states:SendTaskSuccess']),
      );
      expect(actions).not.toContain('dynamodb:DeleteTable');
      expect(actions.some((a) => a.endsWith(':*'))).toBe(false);
    }
    expect(api).toContain('states:StartExecution');
    expect(sweeper).toContain('states:StartExecution');
    // The task Lambda runs inside an execution; it never starts one.
    expect(task).not.toContain('states:StartExecution');
  });

  it('tags everything with the province', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      Tags: Match.arrayWith([{ Key: 'province', Value: 'JS' }]),
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Tags: Match.arrayWith([{ Key: 'province', Value: 'JS' }]),
    });
  });

  it('links partner buses by partition-aware ARNs and admits their accounts', () => {
    linkedTemplate.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['green-channel.ZJ'] },
      Targets: [
        Match.objectLike({ Arn: 'arn:aws-cn:events:cn-north-1:210987654321:event-bus/green-channel-JS' }),
      ],
    });
    linkedTemplate.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['green-channel.ZJ'] },
      Targets: [
        Match.objectLike({ Arn: 'arn:aws-cn:events:cn-northwest-1:123456789012:event-bus/green-channel-SH' }),
      ],
    });
    // Only the partner in another account needs a door; SH shares this stack's account.
    const policies = Object.values(
      linkedTemplate.findResources('AWS::Events::EventBusPolicy') as Record<string, Resource>,
    );
    expect(policies).toHaveLength(1);
    expect(policies[0]!.Properties.Statement).toMatchObject({
      Sid: 'cdk-FromJS',
      Action: 'events:PutEvents',
    });
    expect(JSON.stringify(policies[0]!.Properties.Statement.Principal)).toContain(':iam::210987654321:root');
    // Alarms only when an address is configured.
    linkedTemplate.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
    expect(Object.keys(linkedTemplate.findResources('AWS::CloudWatch::Alarm')).length).toBeGreaterThanOrEqual(
      4,
    );
    template.resourceCountIs('AWS::CloudWatch::Alarm', 0);
    template.resourceCountIs('AWS::Events::EventBusPolicy', 0);
  });

  it('synthesizes for the China partition with no warnings or errors', () => {
    for (const s of [stack, linked]) {
      expect(s.region.startsWith('cn-')).toBe(true);
      const annotations = Annotations.fromStack(s);
      expect(annotations.findWarning('*', Match.anyValue())).toEqual([]);
      expect(annotations.findError('*', Match.anyValue())).toEqual([]);
    }
  });
});
