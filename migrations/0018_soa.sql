CREATE TABLE `soa_decisions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`version_id` integer NOT NULL,
	`person_id` integer NOT NULL,
	`content_hash` text NOT NULL,
	`at` text NOT NULL,
	`active` integer NOT NULL,
	FOREIGN KEY (`version_id`) REFERENCES `soa_versions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `soa_decisions_version_ix` ON `soa_decisions` (`version_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `soa_decisions_person_active_uq` ON `soa_decisions` (`version_id`,`person_id`) WHERE "soa_decisions"."active" = 1;--> statement-breakpoint
CREATE TABLE `soa_entries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`workspace_id` integer NOT NULL,
	`control_id` text NOT NULL,
	`applicable` integer NOT NULL,
	`justification` text,
	`state` text NOT NULL,
	`owner_person_id` integer,
	`updated_by` integer NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`owner_person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`updated_by`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `soa_entries_workspace_control_uq` ON `soa_entries` (`workspace_id`,`control_id`);--> statement-breakpoint
CREATE TABLE `soa_versions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`workspace_id` integer NOT NULL,
	`version` integer NOT NULL,
	`status` text NOT NULL,
	`content_hash` text NOT NULL,
	`approvals_needed` integer NOT NULL,
	`requested_by` integer NOT NULL,
	`created_at` text NOT NULL,
	`approved_at` text,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`requested_by`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `soa_versions_workspace_version_uq` ON `soa_versions` (`workspace_id`,`version`);--> statement-breakpoint
CREATE UNIQUE INDEX `soa_versions_workspace_pending_uq` ON `soa_versions` (`workspace_id`) WHERE "soa_versions"."status" = 'pending';