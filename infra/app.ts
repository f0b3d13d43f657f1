/**
 * The CDK app: one ProvinceStack per configured province. Synthesizes offline: the config is
 * local, peer ARNs are built from it, and nothing is looked up in an account.
 *
 * GREEN_CHANNEL_DEPLOYMENTS may name a JSON file with the list of deployments; otherwise the
 * defaults of infra/deployments.ts apply.
 */
import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { type ProvinceDeployment, parseDeployments, stackName } from './config.js';
import { defaultDeployments } from './deployments.js';
import { ProvinceStack } from './province-stack.js';

export function loadDeployments(env: NodeJS.ProcessEnv = process.env): ProvinceDeployment[] {
  const file = env.GREEN_CHANNEL_DEPLOYMENTS;
  return parseDeployments(file ? JSON.parse(readFileSync(file, 'utf8')) : defaultDeployments);
}

export function buildApp(app: App, deployments: ProvinceDeployment[]): ProvinceStack[] {
  return deployments.map(
    (deployment) =>
      new ProvinceStack(app, stackName(deployment.province), {
        deployment,
        env: { account: deployment.account, region: deployment.region },
        description: `工程绿色通道 green-channel: province ${deployment.province}`,
      }),
  );
}

const app = new App();
buildApp(app, loadDeployments());
app.synth();
