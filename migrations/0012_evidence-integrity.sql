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
CREATE UNIQUE INDEX `outbox_messages_waiting_update_uq` ON `outbox_messages` (`subject`,`target`,`detail`) WHERE kind = 'update' AND status = 'pending';--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_role_assignments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`workspace_id` integer NOT NULL,
	`person_id` integer NOT NULL,
	`role` text NOT NULL,
	`granted_by` integer,
	`granted_at` text NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`granted_by`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "role_assignments_role_ck" CHECK("__new_role_assignments"."role" in ('admin', 'approver', 'leadership', 'trainer'))
);
--> statement-breakpoint
INSERT INTO `__new_role_assignments`("id", "workspace_id", "person_id", "role", "granted_by", "granted_at") SELECT "id", "workspace_id", "person_id", "role", "granted_by", "granted_at" FROM `role_assignments`;--> statement-breakpoint
DROP TABLE `role_assignments`;--> statement-breakpoint
ALTER TABLE `__new_role_assignments` RENAME TO `role_assignments`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX `role_assignments_person_role_uq` ON `role_assignments` (`workspace_id`,`person_id`,`role`);--> statement-breakpoint
CREATE INDEX `role_assignments_workspace_role_ix` ON `role_assignments` (`workspace_id`,`role`);--> statement-breakpoint
ALTER TABLE `inbound_dedupe_keys` ADD `request_hash` text;--> statement-breakpoint
ALTER TABLE `incidents` ADD `responder_person_id` integer REFERENCES people(id);--> statement-breakpoint
ALTER TABLE `acceptance_criteria` ADD `min_value` real;--> statement-breakpoint
ALTER TABLE `acceptance_criteria` ADD `max_value` real;