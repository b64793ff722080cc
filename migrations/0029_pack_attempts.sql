ALTER TABLE `evidence_pack_requests` ADD `attempts` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `evidence_pack_requests` ADD `failure_code` text;