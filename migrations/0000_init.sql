CREATE TABLE `audit_events` (
	`sequence` integer PRIMARY KEY NOT NULL,
	`at` text NOT NULL,
	`workspace_id` integer,
	`actor_person_id` integer,
	`actor` text NOT NULL,
	`action` text NOT NULL,
	`subject` text NOT NULL,
	`payload` text NOT NULL,
	`previous_hash` text NOT NULL,
	`hash` text NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `audit_events_previous_hash_uq` ON `audit_events` (`previous_hash`);--> statement-breakpoint
CREATE UNIQUE INDEX `audit_events_hash_uq` ON `audit_events` (`hash`);--> statement-breakpoint
CREATE INDEX `audit_events_workspace_ix` ON `audit_events` (`workspace_id`,`sequence`);--> statement-breakpoint
CREATE TABLE `inbound_dedupe_keys` (
	`key` text PRIMARY KEY NOT NULL,
	`workspace_id` integer,
	`first_seen_at` text NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `inbound_dedupe_keys_first_seen_ix` ON `inbound_dedupe_keys` (`first_seen_at`);--> statement-breakpoint
CREATE TABLE `people` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`workspace_id` integer NOT NULL,
	`platform` text NOT NULL,
	`external_id` text NOT NULL,
	`display_name` text,
	`created_at` text NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `people_platform_workspace_external_id_uq` ON `people` (`platform`,`workspace_id`,`external_id`);--> statement-breakpoint
CREATE TABLE `role_assignments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`workspace_id` integer NOT NULL,
	`person_id` integer NOT NULL,
	`role` text NOT NULL,
	`granted_by` integer,
	`granted_at` text NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`granted_by`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "role_assignments_role_ck" CHECK("role_assignments"."role" in ('admin', 'approver', 'leadership'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `role_assignments_person_role_uq` ON `role_assignments` (`workspace_id`,`person_id`,`role`);--> statement-breakpoint
CREATE INDEX `role_assignments_workspace_role_ix` ON `role_assignments` (`workspace_id`,`role`);--> statement-breakpoint
CREATE TABLE `workspaces` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`platform` text NOT NULL,
	`external_id` text NOT NULL,
	`name` text,
	`created_at` text NOT NULL,
	CONSTRAINT "workspaces_platform_ck" CHECK("workspaces"."platform" in ('slack', 'teams'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `workspaces_platform_external_id_uq` ON `workspaces` (`platform`,`external_id`);