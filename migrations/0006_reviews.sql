CREATE TABLE `review_completions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`schedule_id` integer NOT NULL,
	`date` text NOT NULL,
	`outcome` text NOT NULL,
	`findings` text,
	`evidence` text,
	`recorded_by` integer NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`schedule_id`) REFERENCES `review_schedules`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`recorded_by`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `review_schedules` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`workspace_id` integer NOT NULL,
	`kind` text NOT NULL,
	`ai_system_id` integer,
	`owner_person_id` integer NOT NULL,
	`cadence_days` integer NOT NULL,
	`next_due` text NOT NULL,
	`last_done` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`ai_system_id`) REFERENCES `ai_systems`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`owner_person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `review_schedules_workspace_due_ix` ON `review_schedules` (`workspace_id`,`next_due`);--> statement-breakpoint
ALTER TABLE `corrective_actions` ADD `review_completion_id` integer;