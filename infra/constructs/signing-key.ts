import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key, KeySpec, KeyUsage } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { signingKeyAlias } from '../config.js';

export interface SigningKeyProps {
  province: string;
}

/**
 * The key this province signs its cross-province payloads with: a KMS asymmetric key, ECC_NIST_P256
 * for ECDSA P-256 / SHA-256 (what shared/domain verification expects). The private half never
 * leaves KMS; partners verify with the public key. Retained: partners may need it to re-verify
 * results signed long ago, and deleting a key is irreversible.
 */
export class SigningKey extends Construct {
  readonly key: Key;

  constructor(scope: Construct, id: string, props: SigningKeyProps) {
    super(scope, id);
    this.key = new Key(this, 'Key', {
      keySpec: KeySpec.ECC_NIST_P256,
      keyUsage: KeyUsage.SIGN_VERIFY,
      alias: signingKeyAlias(props.province),
      description: `green-channel ${props.province}: signs cross-province results`,
      // Asymmetric keys cannot rotate automatically; a new key is a configuration change partners see.
      enableKeyRotation: false,
      pendingWindow: Duration.days(30),
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  /** Sign with ECDSA_SHA_256 only, and read the public key (to serve it to partners). */
  grantSign(grantee: IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['kms:Sign'],
        resources: [this.key.keyArn],
        conditions: { StringEquals: { 'kms:SigningAlgorithm': 'ECDSA_SHA_256' } },
      }),
    );
    this.grantPublicKey(grantee);
  }

  grantPublicKey(grantee: IGrantable): void {
    this.key.grant(grantee, 'kms:GetPublicKey');
  }
}
