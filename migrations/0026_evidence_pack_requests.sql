CREATE TABLE `evidence_pack_requests` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`workspace_id` integer NOT NULL,
	`person_id` integer NOT NULL,
	`platform` text NOT NULL,
	`actor` text NOT NULL,
	`period_from` text NOT NULL,
	`period_to` text NOT NULL,
	`state` text NOT NULL,
	`open_key` text,
	`created_at` text NOT NULL,
	`claimed_by` text,
	`lease_until` text,
	`next_attempt_at` text,
	`sends` integer DEFAULT 0 NOT NULL,
	`filename` text,
	`zip` text,
	`manifest_sha256` text,
	`pack_sha256` text,
	`events` integer,
	`signed` integer,
	`link_id` text,
	`link_key` text,
	`link_expires_at` text,
	`delivered_at` text,
	`finished_at` text,
	`last_error` text,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `evidence_pack_requests_open_key_uq` ON `evidence_pack_requests` (`open_key`);--> statement-breakpoint
CREATE UNIQUE INDEX `evidence_pack_requests_link_id_uq` ON `evidence_pack_requests` (`link_id`);--> statement-breakpoint
CREATE INDEX `evidence_pack_requests_state_ix` ON `evidence_pack_requests` (`state`,`id`);