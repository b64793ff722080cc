import { canonicalJson } from '../core/canonical-json.ts';
import type { KeyObject } from 'node:crypto';
import { publicKeyTextOf, signText } from './pack-signature.ts';
import type { SegmentEnd } from './audit-segment.ts';
import type { LegacySummary } from './legacy-segment.ts';

export const PACK_FORMAT = 'aims-evidence-pack/1';

export interface PackFile {
  name: string;
  sha256: string;
  size: number;
}

/** A record the PDF cites, and the audit event that stands behind it. */
export interface PackCitation {
  /** The control or clause whose section cites it. */
  requirement: string;
  subject: string;
  action: string;
  sequence: number;
  hash: string;
}

export interface PackSignature {
  algorithm: 'Ed25519';
  publicKey: string;
  /** Base64 signature over the canonical JSON of the manifest without `signature`. */
  value: string;
}

export interface PackManifest {
  format: typeof PACK_FORMAT;
  generator: { name: string; version: string };
  generatedAt: string;
  workspace: { id: number; platform: string; externalId: string; name: string | null };
  /** Days, both included. */
  period: { from: string; to: string };
  chain: { previousHash: string | null; events: number; first: SegmentEnd | null; last: SegmentEnd | null; head: SegmentEnd | null };
  /**
   * legacy-audit-log.jsonl, on a store migrated from the one global chain: the workspace's events of that
   * chain and its chain's genesis event (legacy-segment.ts). Absent when the store never had a global chain.
   */
  legacy?: LegacySummary;
  files: PackFile[];
  citations: PackCitation[];
  /** Null when AIMS_SIGNING_KEY was not set: the pack is unsigned and says so. */
  signature: PackSignature | null;
}

/** What the signature covers: the manifest with its signature left out, as canonical JSON. */
export const signedText = (manifest: Omit<PackManifest, 'signature'> & { signature?: unknown }): string => {
  return canonicalJson({ ...manifest, signature: undefined });
};

export function signManifest(manifest: Omit<PackManifest, 'signature'>, key: KeyObject | undefined): PackManifest {
  if (!key) return { ...manifest, signature: null };
  return { ...manifest, signature: { algorithm: 'Ed25519', publicKey: publicKeyTextOf(key), value: signText(signedText(manifest), key) } };
}
