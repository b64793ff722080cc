CREATE TABLE `risk_actions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`workspace_id` integer NOT NULL,
	`risk_id` integer NOT NULL,
	`title` text NOT NULL,
	`owner_person_id` integer NOT NULL,
	`due_date` text NOT NULL,
	`status` text NOT NULL,
	`done_at` text,
	`created_at` text NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`risk_id`) REFERENCES `risks`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`owner_person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `risk_actions_workspace_status_ix` ON `risk_actions` (`workspace_id`,`status`);--> statement-breakpoint
CREATE TABLE `risk_decisions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`risk_id` integer NOT NULL,
	`person_id` integer NOT NULL,
	`role` text NOT NULL,
	`decision` text NOT NULL,
	`content_hash` text NOT NULL,
	`at` text NOT NULL,
	`active` integer NOT NULL,
	FOREIGN KEY (`risk_id`) REFERENCES `risks`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `risk_decisions_person_active_uq` ON `risk_decisions` (`risk_id`,`person_id`) WHERE "risk_decisions"."active" = 1;--> statement-breakpoint
CREATE TABLE `risk_settings` (
	`workspace_id` integer PRIMARY KEY NOT NULL,
	`medium_from` integer NOT NULL,
	`high_from` integer NOT NULL,
	`critical_from` integer NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `risks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`workspace_id` integer NOT NULL,
	`number` integer NOT NULL,
	`title` text NOT NULL,
	`description` text NOT NULL,
	`system_ids` text NOT NULL,
	`category` text NOT NULL,
	`phase` text NOT NULL,
	`owner_person_id` integer NOT NULL,
	`inherent_likelihood` integer NOT NULL,
	`inherent_impact` integer NOT NULL,
	`inherent_level` text NOT NULL,
	`treatment` text NOT NULL,
	`plan` text NOT NULL,
	`controls` text NOT NULL,
	`residual_likelihood` integer NOT NULL,
	`residual_impact` integer NOT NULL,
	`residual_level` text NOT NULL,
	`acceptance_rationale` text,
	`review_every_days` integer NOT NULL,
	`next_review_date` text NOT NULL,
	`status` text NOT NULL,
	`acceptance` text NOT NULL,
	`approvals_needed` integer NOT NULL,
	`content_hash` text NOT NULL,
	`last_editor_person_id` integer NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`accepted_at` text,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`owner_person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`last_editor_person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `risks_workspace_number_uq` ON `risks` (`workspace_id`,`number`);