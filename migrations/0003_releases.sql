CREATE TABLE `acceptance_criteria` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`workspace_id` integer NOT NULL,
	`ai_system_id` integer NOT NULL,
	`metric` text NOT NULL,
	`comparison` text NOT NULL,
	`threshold` real NOT NULL,
	`dataset` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`ai_system_id`) REFERENCES `ai_systems`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `acceptance_criteria_system_metric_uq` ON `acceptance_criteria` (`ai_system_id`,`metric`,`dataset`);--> statement-breakpoint
CREATE TABLE `release_decisions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`release_id` integer NOT NULL,
	`person_id` integer NOT NULL,
	`decision` text NOT NULL,
	`comment` text,
	`content_hash` text NOT NULL,
	`at` text NOT NULL,
	`active` integer NOT NULL,
	FOREIGN KEY (`release_id`) REFERENCES `releases`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `release_decisions_person_active_uq` ON `release_decisions` (`release_id`,`person_id`) WHERE "release_decisions"."active" = 1;--> statement-breakpoint
CREATE TABLE `release_metrics` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`release_id` integer NOT NULL,
	`metric` text NOT NULL,
	`dataset` text,
	`comparison` text,
	`threshold` real,
	`measured` real NOT NULL,
	`passed` integer,
	FOREIGN KEY (`release_id`) REFERENCES `releases`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `release_metrics_release_ix` ON `release_metrics` (`release_id`);--> statement-breakpoint
CREATE TABLE `releases` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`workspace_id` integer NOT NULL,
	`ai_system_id` integer NOT NULL,
	`version` text NOT NULL,
	`version_key` text NOT NULL,
	`change_type` text NOT NULL,
	`what_changed` text NOT NULL,
	`evaluation_link` text,
	`risks` text NOT NULL,
	`justification` text,
	`approvals_needed` integer NOT NULL,
	`requester_person_id` integer NOT NULL,
	`status` text NOT NULL,
	`content_hash` text NOT NULL,
	`posts` text DEFAULT '[]' NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`decided_at` text,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`ai_system_id`) REFERENCES `ai_systems`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`requester_person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `releases_system_version_live_uq` ON `releases` (`ai_system_id`,`version_key`) WHERE "releases"."status" in ('pending', 'approved');--> statement-breakpoint
CREATE INDEX `releases_workspace_status_ix` ON `releases` (`workspace_id`,`status`);