import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';

/**
 * Ed25519 keys of the evidence pack: the private key in AIMS_SIGNING_KEY (base64 PKCS#8 DER), the
 * public key for the auditor (base64 SPKI DER). `npx aims keys generate` prints a new pair.
 */
export function generateSigningKeys(): { privateKey: string; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKey: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
    publicKey: publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
  };
}

/** A signing key that cannot be read: named without echoing it. */
export class SigningKeyError extends Error {}

export function privateKeyOf(text: string): KeyObject {
  try {
    const key = createPrivateKey({ key: Buffer.from(text.trim(), 'base64'), format: 'der', type: 'pkcs8' });
    if (key.asymmetricKeyType !== 'ed25519') throw new SigningKeyError('AIMS_SIGNING_KEY is not an Ed25519 key');
    return key;
  } catch (error) {
    if (error instanceof SigningKeyError) throw error;
    throw new SigningKeyError('AIMS_SIGNING_KEY is not a base64 Ed25519 private key (make one with `npx aims keys generate`)');
  }
}

export function publicKeyTextOf(privateKey: KeyObject): string {
  return createPublicKey(privateKey).export({ format: 'der', type: 'spki' }).toString('base64');
}

export function publicKeyOf(text: string): KeyObject | undefined {
  try {
    const key = createPublicKey({ key: Buffer.from(text.trim(), 'base64'), format: 'der', type: 'spki' });
    return key.asymmetricKeyType === 'ed25519' ? key : undefined;
  } catch {
    return undefined;
  }
}

export const signText = (text: string, key: KeyObject): string => sign(null, Buffer.from(text), key).toString('base64');

export function verifyText(text: string, signature: string, key: KeyObject): boolean {
  try {
    return verify(null, Buffer.from(text), key, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}
