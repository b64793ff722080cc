DROP INDEX "audit_events_previous_hash_uq";--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "chain" integer DEFAULT -1 NOT NULL;--> statement-breakpoint
ALTER TABLE "audit_events" DROP CONSTRAINT "audit_events_pkey";--> statement-breakpoint
ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_chain_sequence_pk" PRIMARY KEY("chain","sequence");--> statement-breakpoint
ALTER TABLE "published_anchors" ADD COLUMN "chain" integer DEFAULT -1 NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "audit_events_previous_hash_uq" ON "audit_events" USING btree ("chain","previous_hash");
