/** Lambda entry of the HTTP API: the very same Hono app as locally, behind API Gateway. */
import { handle } from 'hono/aws-lambda';
import { awsServices, requireEnv } from '../aws/compose.js';
import { createApp } from '../http/app.js';
import { createJwksVerifier } from '../http/auth.js';

const identity = requireEnv(process.env, ['JWKS_URL', 'TOKEN_ISSUER', 'TOKEN_AUDIENCE']);

// Built at cold start; the verifier caches the province's signing keys between invocations.
export const handler = handle(
  createApp(awsServices(), {
    verifier: createJwksVerifier({
      jwksUrl: identity.JWKS_URL,
      issuer: identity.TOKEN_ISSUER,
      audience: identity.TOKEN_AUDIENCE,
    }),
  }),
);
