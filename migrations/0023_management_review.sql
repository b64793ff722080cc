CREATE TABLE `management_review_actions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`workspace_id` integer NOT NULL,
	`review_id` integer NOT NULL,
	`number` integer NOT NULL,
	`title` text NOT NULL,
	`owner_person_id` integer NOT NULL,
	`due_date` text NOT NULL,
	`status` text NOT NULL,
	`done_at` text,
	`created_by_person_id` integer NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`review_id`) REFERENCES `management_reviews`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`owner_person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by_person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `management_review_actions_review_number_uq` ON `management_review_actions` (`review_id`,`number`);--> statement-breakpoint
CREATE INDEX `management_review_actions_workspace_status_ix` ON `management_review_actions` (`workspace_id`,`status`);--> statement-breakpoint
CREATE TABLE `management_review_decisions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`workspace_id` integer NOT NULL,
	`review_id` integer NOT NULL,
	`number` integer NOT NULL,
	`text` text NOT NULL,
	`recorded_by_person_id` integer NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`review_id`) REFERENCES `management_reviews`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`recorded_by_person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `management_review_decisions_review_number_uq` ON `management_review_decisions` (`review_id`,`number`);--> statement-breakpoint
CREATE TABLE `management_reviews` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`workspace_id` integer NOT NULL,
	`number` integer NOT NULL,
	`status` text NOT NULL,
	`chair_person_id` integer,
	`opened_by_person_id` integer NOT NULL,
	`opened_at` text NOT NULL,
	`period_since` text,
	`period_until` text NOT NULL,
	`inputs` text NOT NULL,
	`attendees` text NOT NULL,
	`closed_at` text,
	`closed_by_person_id` integer,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`chair_person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`opened_by_person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`closed_by_person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `management_reviews_workspace_number_uq` ON `management_reviews` (`workspace_id`,`number`);