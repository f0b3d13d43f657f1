import { CfnOutput, Duration, RemovalPolicy } from 'aws-cdk-lib';
import { HttpApi, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction, Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { ProvinceDeployment } from '../config.js';
import { AppFunction } from './lambda.js';

export interface ApiProps {
  province: string;
  identity: ProvinceDeployment['identity'];
  console: ProvinceDeployment['console'];
  environment: Record<string, string>;
}

/**
 * The province's HTTP API: API Gateway HTTP API in front of one Lambda running the Hono app, which
 * does its own routing. Not a Lambda function URL: those do not exist in the China regions.
 */
export class Api extends Construct {
  readonly handler: IFunction;
  /** the same function, for settings added once the rest of the stack exists */
  readonly fn: LambdaFunction;
  readonly httpApi: HttpApi;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    const fn = new AppFunction(this, 'Handler', {
      entry: 'functions/lambda/api.ts',
      description: `green-channel ${props.province}: HTTP API`,
      environment: {
        ...props.environment,
        JWKS_URL: props.identity.jwksUrl,
        TOKEN_ISSUER: props.identity.issuer,
        TOKEN_AUDIENCE: props.identity.audience,
        // the console signs in against the same identity provider (OIDC code + PKCE)
        CONSOLE_OIDC_CLIENT_ID: props.console.oidcClientId,
        CONSOLE_OIDC_SCOPE: props.console.oidcScope,
      },
      // API Gateway gives up after 30 s; a longer Lambda timeout would only burn money.
      timeout: Duration.seconds(29),
      memorySize: 1024,
    });
    this.handler = fn.fn;
    this.fn = fn.fn;

    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: RetentionDays.SIX_MONTHS,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.httpApi = new HttpApi(this, 'HttpApi', {
      apiName: `green-channel-${props.province}`,
      description: `工程绿色通道 ${props.province}`,
      // Every path and method goes to the app ($default route); it answers 404/405 itself.
      defaultIntegration: new HttpLambdaIntegration('App', fn.fn),
      createDefaultStage: false,
    });
    this.httpApi.addStage('Stage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: 200, burstLimit: 400 },
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs) },
    });

    new CfnOutput(this, 'Url', { value: this.httpApi.apiEndpoint, description: 'base URL of the HTTP API' });
  }
}
