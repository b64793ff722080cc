CREATE TABLE `objective_readings` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`workspace_id` integer NOT NULL,
	`objective_id` integer NOT NULL,
	`value` real NOT NULL,
	`on_target` integer NOT NULL,
	`date` text NOT NULL,
	`period` text NOT NULL,
	`channel` text NOT NULL,
	`note` text,
	`recorded_by_person_id` integer,
	`recorded_at` text NOT NULL,
	`explanation` text,
	`explained_by_person_id` integer,
	`explained_at` text,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`objective_id`) REFERENCES `objectives`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`recorded_by_person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`explained_by_person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `objective_readings_objective_ix` ON `objective_readings` (`objective_id`,`date`);--> statement-breakpoint
CREATE TABLE `objectives` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`workspace_id` integer NOT NULL,
	`number` integer NOT NULL,
	`name` text NOT NULL,
	`name_key` text NOT NULL,
	`metric` text NOT NULL,
	`direction` text NOT NULL,
	`target` real NOT NULL,
	`cadence` text NOT NULL,
	`source` text NOT NULL,
	`owner_person_id` integer NOT NULL,
	`ai_system_id` integer,
	`created_by_person_id` integer,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`owner_person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by_person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `objectives_workspace_number_uq` ON `objectives` (`workspace_id`,`number`);--> statement-breakpoint
CREATE UNIQUE INDEX `objectives_workspace_name_uq` ON `objectives` (`workspace_id`,`name_key`);