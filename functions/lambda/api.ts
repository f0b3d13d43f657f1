/** Lambda entry of the HTTP API: the very same Hono app as locally, behind API Gateway. */
import { handle } from 'hono/aws-lambda';
import type { ConsoleAssets } from '../../shared/ports/console-assets.js';
import { awsServices, requireEnv } from '../aws/compose.js';
import { lazyPort } from '../aws/lazy.js';
import { telemetry, traced } from '../aws/observability.js';
import { createApp } from '../http/app.js';
import { createJwksVerifier } from '../http/auth.js';

const identity = requireEnv(process.env, [
  'JWKS_URL',
  'TOKEN_ISSUER',
  'TOKEN_AUDIENCE',
  'CONSOLE_BUCKET',
  'CONSOLE_OIDC_CLIENT_ID',
  'CONSOLE_OIDC_SCOPE',
]);

// Built at cold start; the verifier caches the province's signing keys between invocations.
export const handler = handle(
  createApp(awsServices(), {
    // one JSON line per request (request, correlation and case ids) through Powertools Logger
    logger: telemetry().logger,
    verifier: createJwksVerifier({
      jwksUrl: identity.JWKS_URL,
      issuer: identity.TOKEN_ISSUER,
      audience: identity.TOKEN_AUDIENCE,
    }),
    // The console at `/`: its files from the console bucket; people sign in with OIDC code + PKCE.
    console: {
      // S3 is loaded by the first console request (or material access), not at cold start
      assets: lazyPort<ConsoleAssets>(async () => {
        const [{ S3Client }, { S3ConsoleAssets }] = await Promise.all([
          import('@aws-sdk/client-s3'),
          import('../../shared/adapters/console/s3-console-assets.js'),
        ]);
        return new S3ConsoleAssets({ client: traced(new S3Client({})), bucket: identity.CONSOLE_BUCKET });
      }),
      signIn: {
        mode: 'oidc',
        issuer: identity.TOKEN_ISSUER,
        clientId: identity.CONSOLE_OIDC_CLIENT_ID,
        scope: identity.CONSOLE_OIDC_SCOPE,
      },
    },
  }),
);
