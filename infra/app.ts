/**
 * The CDK app: one ProvinceStack per configured province (by default 江苏, 浙江 and 上海).
 * Synthesizes offline: the config is local, peer ARNs are built from it, and nothing is looked up
 * in an account.
 *
 * GREEN_CHANNEL_DEPLOYMENTS may name a JSON file with the list of deployments; otherwise the
 * defaults of infra/deployments.ts apply.
 */
import { App } from 'aws-cdk-lib';
import { buildApp, loadDeployments } from './build.js';

const app = new App();
buildApp(app, loadDeployments());
app.synth();
