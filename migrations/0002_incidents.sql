CREATE TABLE `corrective_actions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`workspace_id` integer NOT NULL,
	`incident_id` integer,
	`title` text NOT NULL,
	`owner_person_id` integer NOT NULL,
	`due_date` text NOT NULL,
	`status` text NOT NULL,
	`done_at` text,
	`created_at` text NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`incident_id`) REFERENCES `incidents`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`owner_person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `corrective_actions_workspace_status_ix` ON `corrective_actions` (`workspace_id`,`status`,`due_date`);--> statement-breakpoint
CREATE INDEX `corrective_actions_incident_ix` ON `corrective_actions` (`incident_id`);--> statement-breakpoint
CREATE TABLE `incident_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`incident_id` integer NOT NULL,
	`at` text NOT NULL,
	`actor_person_id` integer,
	`kind` text NOT NULL,
	`text` text,
	FOREIGN KEY (`incident_id`) REFERENCES `incidents`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`actor_person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `incident_events_incident_ix` ON `incident_events` (`incident_id`,`id`);--> statement-breakpoint
CREATE TABLE `incidents` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`workspace_id` integer NOT NULL,
	`number` integer NOT NULL,
	`ai_system_id` integer,
	`system_name` text,
	`title` text NOT NULL,
	`description` text NOT NULL,
	`severity` text NOT NULL,
	`type` text NOT NULL,
	`detected_at` text NOT NULL,
	`affected` text NOT NULL,
	`reporter_person_id` integer NOT NULL,
	`owner_person_id` integer,
	`status` text NOT NULL,
	`root_cause` text,
	`posts` text DEFAULT '[]' NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`closed_at` text,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`ai_system_id`) REFERENCES `ai_systems`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`reporter_person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`owner_person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "incidents_system_ck" CHECK("incidents"."ai_system_id" is not null or "incidents"."system_name" is not null),
	CONSTRAINT "incidents_severity_ck" CHECK("incidents"."severity" in ('S1', 'S2', 'S3', 'S4'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `incidents_workspace_number_uq` ON `incidents` (`workspace_id`,`number`);--> statement-breakpoint
CREATE INDEX `incidents_workspace_status_ix` ON `incidents` (`workspace_id`,`status`);