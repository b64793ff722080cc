CREATE TABLE `first_run_greetings` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`workspace_id` integer NOT NULL,
	`subject` text NOT NULL,
	`greeted_at` text NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `first_run_greetings_subject_ux` ON `first_run_greetings` (`workspace_id`,`subject`);