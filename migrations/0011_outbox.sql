CREATE TABLE `outbox_messages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`workspace_id` integer NOT NULL,
	`kind` text NOT NULL,
	`subject` text NOT NULL,
	`target` text NOT NULL,
	`detail` text,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` text,
	`taken_at` text,
	`taken_by` text,
	`last_error` text,
	`created_at` text NOT NULL,
	`sent_at` text,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `outbox_messages_status_ix` ON `outbox_messages` (`status`,`id`);--> statement-breakpoint
CREATE INDEX `outbox_messages_subject_ix` ON `outbox_messages` (`workspace_id`,`subject`);--> statement-breakpoint
CREATE UNIQUE INDEX `outbox_messages_post_uq` ON `outbox_messages` (`subject`,`target`) WHERE kind = 'post';--> statement-breakpoint
CREATE UNIQUE INDEX `outbox_messages_waiting_update_uq` ON `outbox_messages` (`subject`,`target`,`detail`) WHERE kind = 'update' AND status = 'pending';