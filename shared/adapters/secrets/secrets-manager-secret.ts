import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

export interface SecretsManagerSecretOptions {
  client: Pick<SecretsManagerClient, 'send'>;
  /** the secret's ARN (or name), as the stack passes it in the environment */
  secretId: string;
}

/** Why a secret could not be read, in terms an operator can act on; the SDK error is the cause. */
export class SecretUnavailableError extends Error {
  constructor(
    readonly code: 'SECRET_NOT_FOUND' | 'SECRET_ACCESS_DENIED' | 'SECRET_NOT_TEXT' | 'SECRET_READ_FAILED',
    secretId: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`secret ${secretId}: ${detail}`, options);
    this.name = 'SecretUnavailableError';
  }
}

/**
 * One secret string from AWS Secrets Manager, read once and kept for the life of the execution
 * environment (a cold start reads it again, so a rotated value is picked up by new environments
 * within minutes and no invocation pays a Secrets Manager call after the first). A failed read is
 * not kept: the next call tries again.
 */
export class SecretsManagerSecret {
  private readonly client: Pick<SecretsManagerClient, 'send'>;
  readonly secretId: string;
  private reading: Promise<string> | undefined;

  constructor(options: SecretsManagerSecretOptions) {
    this.client = options.client;
    this.secretId = options.secretId;
  }

  value(): Promise<string> {
    this.reading ??= this.read().catch((err: unknown) => {
      this.reading = undefined;
      throw err;
    });
    return this.reading;
  }

  /** The secret as JSON (how the stack generates it: an object of named values). */
  async json(): Promise<unknown> {
    const text = await this.value();
    try {
      return JSON.parse(text);
    } catch (err) {
      throw new SecretUnavailableError('SECRET_NOT_TEXT', this.secretId, 'is not valid JSON', {
        cause: err,
      });
    }
  }

  private async read(): Promise<string> {
    let out: { SecretString?: string | undefined };
    try {
      out = await this.client.send(new GetSecretValueCommand({ SecretId: this.secretId }));
    } catch (err) {
      const name = err instanceof Error ? err.name : '';
      if (name === 'ResourceNotFoundException')
        throw new SecretUnavailableError('SECRET_NOT_FOUND', this.secretId, 'does not exist', { cause: err });
      if (name === 'AccessDeniedException' || name === 'AccessDenied')
        throw new SecretUnavailableError(
          'SECRET_ACCESS_DENIED',
          this.secretId,
          "this function's role may not read it (secretsmanager:GetSecretValue)",
          { cause: err },
        );
      throw new SecretUnavailableError(
        'SECRET_READ_FAILED',
        this.secretId,
        `could not be read (${name || 'error'}: ${err instanceof Error ? err.message : String(err)})`,
        { cause: err },
      );
    }
    if (typeof out.SecretString !== 'string' || out.SecretString === '')
      throw new SecretUnavailableError('SECRET_NOT_TEXT', this.secretId, 'holds no secret string');
    return out.SecretString;
  }
}
