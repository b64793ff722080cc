import { boolean, index, integer, pgTable, text } from 'drizzle-orm/pg-core';
import { workspaceScope } from '../../store/schema-pg/columns.ts';
import { people } from '../../store/schema-pg/directory.ts';

// The PostgreSQL twin of ./schema.ts: same tables, columns and indexes (test/store/schema-parity.test.ts).

/**
 * `/aims export` requests: recorded with their audit event when asked, built and delivered by a worker
 * (any replica, one at a time: `claimed_by` / `lease_until`), so a restart loses none. The built zip
 * stays (base64) until it is delivered (Slack) or downloaded or expired (Teams link).
 */
export const evidencePackRequests = pgTable(
  'evidence_pack_requests',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    workspaceId: workspaceScope(),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id),
    platform: text('platform', { enum: ['slack', 'teams'] }).notNull(),
    /** The audit trail's actor label of the person who asked ("slack:U1 (ada)"). */
    actor: text('actor').notNull(),
    periodFrom: text('period_from').notNull(),
    periodTo: text('period_to').notNull(),
    state: text('state', { enum: ['pending', 'built', 'delivered', 'downloaded', 'expired', 'failed'] }).notNull(),
    /** workspace:person:from:to while the request is open (a double click finds it); null once done. */
    openKey: text('open_key').unique('evidence_pack_requests_open_key_uq'),
    createdAt: text('created_at').notNull(),
    claimedBy: text('claimed_by'),
    leaseUntil: text('lease_until'),
    nextAttemptAt: text('next_attempt_at'),
    /** Delivery attempts started (more than one: the person may have it twice, the same file). */
    sends: integer('sends').notNull().default(0),
    /** Builds started (counted before the build runs, so a build that takes the process down still counts); the worker gives up after its limit. */
    attempts: integer('attempts').notNull().default(0),
    /** Why it failed, typed: pack_build_crashed (the build stopped the process every time), pack_build_failed, pack_send_failed, or an AimsError code. */
    failureCode: text('failure_code'),
    filename: text('filename'),
    /** The zip, base64, from the build until delivered (Slack) or downloaded / expired (Teams). */
    zip: text('zip'),
    manifestSha256: text('manifest_sha256'),
    packSha256: text('pack_sha256'),
    events: integer('events'),
    signed: boolean('signed'),
    /** The download link (Teams): public id, HMAC key, expiry (ISO instant). */
    linkId: text('link_id').unique('evidence_pack_requests_link_id_uq'),
    linkKey: text('link_key'),
    linkExpiresAt: text('link_expires_at'),
    deliveredAt: text('delivered_at'),
    finishedAt: text('finished_at'),
    lastError: text('last_error'),
  },
  (t) => [index('evidence_pack_requests_state_ix').on(t.state, t.id)],
);
