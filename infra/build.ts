/**
 * Builds the CDK app's stacks from the deployment config: one ProvinceStack per configured
 * province, each in its own account and region. Kept apart from infra/app.ts (which synthesizes on
 * import) so tests build exactly what `cdk synth` builds.
 */
import { readFileSync } from 'node:fs';
import type { App } from 'aws-cdk-lib';
import { type ProvinceDeployment, parseDeployments, stackName } from './config.js';
import { defaultDeployments } from './deployments.js';
import { ProvinceStack } from './province-stack.js';

/** GREEN_CHANNEL_DEPLOYMENTS may name a JSON file with the list; otherwise the defaults apply. */
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
