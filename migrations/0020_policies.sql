CREATE TABLE `policies` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`workspace_id` integer NOT NULL,
	`number` integer NOT NULL,
	`name` text NOT NULL,
	`name_key` text NOT NULL,
	`owner_person_id` integer NOT NULL,
	`review_schedule_id` integer,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`owner_person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `policies_workspace_number_uq` ON `policies` (`workspace_id`,`number`);--> statement-breakpoint
CREATE UNIQUE INDEX `policies_workspace_name_uq` ON `policies` (`workspace_id`,`name_key`);--> statement-breakpoint
CREATE TABLE `policy_acknowledgements` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`workspace_id` integer NOT NULL,
	`version_id` integer NOT NULL,
	`person_id` integer NOT NULL,
	`status` text NOT NULL,
	`content_hash` text NOT NULL,
	`asked_at` text NOT NULL,
	`acknowledged_at` text,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`version_id`) REFERENCES `policy_versions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `policy_acknowledgements_version_person_uq` ON `policy_acknowledgements` (`version_id`,`person_id`);--> statement-breakpoint
CREATE INDEX `policy_acknowledgements_workspace_status_ix` ON `policy_acknowledgements` (`workspace_id`,`status`);--> statement-breakpoint
CREATE TABLE `policy_approvals` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`version_id` integer NOT NULL,
	`person_id` integer NOT NULL,
	`decision` text NOT NULL,
	`content_hash` text NOT NULL,
	`at` text NOT NULL,
	`active` integer NOT NULL,
	FOREIGN KEY (`version_id`) REFERENCES `policy_versions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `policy_approvals_person_active_uq` ON `policy_approvals` (`version_id`,`person_id`) WHERE "policy_approvals"."active" = 1;--> statement-breakpoint
CREATE TABLE `policy_versions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`workspace_id` integer NOT NULL,
	`policy_id` integer NOT NULL,
	`version` integer NOT NULL,
	`title` text NOT NULL,
	`effective_date` text NOT NULL,
	`link` text,
	`text` text,
	`changes` text NOT NULL,
	`audience` text NOT NULL,
	`status` text NOT NULL,
	`approvals_needed` integer NOT NULL,
	`content_hash` text NOT NULL,
	`author_person_id` integer NOT NULL,
	`created_at` text NOT NULL,
	`approved_at` text,
	`published_at` text,
	`published_by` integer,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`policy_id`) REFERENCES `policies`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`author_person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`published_by`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `policy_versions_policy_version_uq` ON `policy_versions` (`policy_id`,`version`);--> statement-breakpoint
CREATE INDEX `policy_versions_workspace_status_ix` ON `policy_versions` (`workspace_id`,`status`);