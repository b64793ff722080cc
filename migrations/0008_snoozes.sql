CREATE TABLE `item_snoozes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`workspace_id` integer NOT NULL,
	`person_id` integer NOT NULL,
	`item_key` text NOT NULL,
	`until` text NOT NULL,
	`reason` text,
	`created_at` text NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `item_snoozes_person_item_uq` ON `item_snoozes` (`person_id`,`item_key`);