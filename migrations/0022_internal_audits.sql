CREATE TABLE `audit_findings` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`workspace_id` integer NOT NULL,
	`audit_id` integer NOT NULL,
	`number` integer NOT NULL,
	`kind` text NOT NULL,
	`clause` text NOT NULL,
	`description` text NOT NULL,
	`record_ref` text,
	`created_by_person_id` integer NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`audit_id`) REFERENCES `internal_audits`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by_person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `audit_findings_audit_number_uq` ON `audit_findings` (`audit_id`,`number`);--> statement-breakpoint
CREATE TABLE `internal_audits` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`workspace_id` integer NOT NULL,
	`number` integer NOT NULL,
	`title` text NOT NULL,
	`clauses` text NOT NULL,
	`controls` text NOT NULL,
	`system_ids` text NOT NULL,
	`areas` text NOT NULL,
	`planned_start` text NOT NULL,
	`planned_end` text NOT NULL,
	`lead_auditor_person_id` integer NOT NULL,
	`auditor_person_ids` text NOT NULL,
	`status` text NOT NULL,
	`created_by_person_id` integer NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`completed_at` text,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`lead_auditor_person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by_person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `internal_audits_workspace_number_uq` ON `internal_audits` (`workspace_id`,`number`);--> statement-breakpoint
CREATE TABLE `nonconformities` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`workspace_id` integer NOT NULL,
	`number` integer NOT NULL,
	`source` text NOT NULL,
	`source_ref` text NOT NULL,
	`audit_id` integer,
	`finding_id` integer,
	`clause` text NOT NULL,
	`grade` text NOT NULL,
	`description` text NOT NULL,
	`owner_person_id` integer NOT NULL,
	`raised_by_person_id` integer NOT NULL,
	`status` text NOT NULL,
	`corrective_action_id` integer,
	`checker_person_id` integer,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`closed_at` text,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`audit_id`) REFERENCES `internal_audits`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`finding_id`) REFERENCES `audit_findings`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`owner_person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`raised_by_person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`checker_person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `nonconformities_workspace_number_uq` ON `nonconformities` (`workspace_id`,`number`);--> statement-breakpoint
CREATE UNIQUE INDEX `nonconformities_finding_uq` ON `nonconformities` (`finding_id`);--> statement-breakpoint
CREATE INDEX `nonconformities_workspace_status_ix` ON `nonconformities` (`workspace_id`,`status`);--> statement-breakpoint
ALTER TABLE `corrective_actions` ADD `nonconformity_id` integer;--> statement-breakpoint
ALTER TABLE `corrective_actions` ADD `root_cause` text;--> statement-breakpoint
ALTER TABLE `corrective_actions` ADD `check_result` text;--> statement-breakpoint
ALTER TABLE `corrective_actions` ADD `checked_by_person_id` integer REFERENCES people(id);--> statement-breakpoint
ALTER TABLE `corrective_actions` ADD `checked_at` text;--> statement-breakpoint
ALTER TABLE `corrective_actions` ADD `check_note` text;