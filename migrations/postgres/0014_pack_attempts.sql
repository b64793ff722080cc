ALTER TABLE "evidence_pack_requests" ADD COLUMN "attempts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "evidence_pack_requests" ADD COLUMN "failure_code" text;