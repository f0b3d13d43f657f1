/**
 * The default deployments. Each entry becomes one stack `green-channel-${province}`.
 * Override the whole list with a JSON file named by GREEN_CHANNEL_DEPLOYMENTS (see infra/app.ts),
 * e.g. to set real accounts, identity providers and partner links per environment.
 */
import type { ProvinceDeploymentInput } from './config.js';

export const defaultDeployments: ProvinceDeploymentInput[] = [
  {
    province: 'JS',
    // Account left open: the stack is region-bound but deploys into whatever account the CLI uses.
    region: 'cn-north-1',
    identity: {
      // Placeholder identity provider: replace with the province's IdP before a real deployment.
      jwksUrl: 'https://idp.js.green-channel.example/.well-known/jwks.json',
      issuer: 'https://idp.js.green-channel.example/',
      audience: 'green-channel-JS',
    },
    // Several partners are supported (e.g. ZJ, SH of the Yangtze River Delta); none linked yet.
    partners: [],
  },
];
