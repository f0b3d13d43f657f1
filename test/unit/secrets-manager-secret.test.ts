import type { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import {
  SecretsManagerSecret,
  SecretUnavailableError,
} from '../../shared/adapters/secrets/secrets-manager-secret.js';

const ARN = 'arn:aws-cn:secretsmanager:cn-north-1:111111111111:secret:green-channel/JS/webhooks-AbCdEf';

/** A fake Secrets Manager client: each call takes the next answer (a value, or an error to throw). */
function fakeClient(answers: (string | Error | undefined)[]) {
  const calls: string[] = [];
  return {
    calls,
    client: {
      async send(command: GetSecretValueCommand) {
        calls.push(String(command.input.SecretId));
        const next = answers.shift();
        if (next instanceof Error) throw next;
        return { ARN, SecretString: next };
      },
    } as never,
  };
}

const sdkError = (name: string) => Object.assign(new Error(`${name} from the service`), { name });

describe('SecretsManagerSecret', () => {
  it('reads the secret by its ARN once, however many callers ask at the same time or later', async () => {
    const fake = fakeClient(['{"signingSecret":"s3cr3t-s3cr3t-s3cr3t"}', '{"signingSecret":"rotated"}']);
    const secret = new SecretsManagerSecret({ client: fake.client, secretId: ARN });
    const [a, b] = await Promise.all([secret.json(), secret.json()]);
    expect(a).toEqual({ signingSecret: 's3cr3t-s3cr3t-s3cr3t' });
    expect(b).toEqual(a);
    expect(await secret.value()).toBe('{"signingSecret":"s3cr3t-s3cr3t-s3cr3t"}');
    expect(fake.calls).toEqual([ARN]);
  });

  it('does not keep a failed read: the next call asks again', async () => {
    const fake = fakeClient([sdkError('ThrottlingException'), '{"signingSecret":"x"}']);
    const secret = new SecretsManagerSecret({ client: fake.client, secretId: ARN });
    await expect(secret.value()).rejects.toMatchObject({ code: 'SECRET_READ_FAILED' });
    expect(await secret.value()).toBe('{"signingSecret":"x"}');
    expect(fake.calls).toHaveLength(2);
  });

  it('translates the SDK errors an operator must act on, keeping the original as cause', async () => {
    const cases: [Error | string | undefined, string, RegExp][] = [
      [sdkError('ResourceNotFoundException'), 'SECRET_NOT_FOUND', /does not exist/],
      [sdkError('AccessDeniedException'), 'SECRET_ACCESS_DENIED', /secretsmanager:GetSecretValue/],
      [undefined, 'SECRET_NOT_TEXT', /no secret string/],
      ['not json', 'SECRET_NOT_TEXT', /not valid JSON/],
    ];
    for (const [answer, code, message] of cases) {
      const secret = new SecretsManagerSecret({ client: fakeClient([answer]).client, secretId: ARN });
      const err = await secret.json().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SecretUnavailableError);
      expect(err).toMatchObject({ code });
      expect((err as Error).message).toMatch(message);
      expect((err as Error).message).toContain(ARN);
      if (answer instanceof Error) expect((err as Error).cause).toBe(answer);
    }
  });
});
