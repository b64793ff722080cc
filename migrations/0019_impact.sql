CREATE TABLE `impact_assessments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`workspace_id` integer NOT NULL,
	`ai_system_id` integer NOT NULL,
	`version` integer NOT NULL,
	`author_person_id` integer NOT NULL,
	`intended_use` text NOT NULL,
	`foreseeable_misuse` text NOT NULL,
	`affected` text NOT NULL,
	`societal_impact` text NOT NULL,
	`harms` text NOT NULL,
	`mitigations` text NOT NULL,
	`human_oversight` text NOT NULL,
	`status` text NOT NULL,
	`content_hash` text NOT NULL,
	`signed_by_person_id` integer,
	`signed_at` text,
	`superseded_by_id` integer,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`ai_system_id`) REFERENCES `ai_systems`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`author_person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`signed_by_person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "impact_assessments_status_ck" CHECK("impact_assessments"."status" in ('pending', 'signed', 'superseded'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `impact_assessments_system_version_uq` ON `impact_assessments` (`ai_system_id`,`version`);--> statement-breakpoint
CREATE INDEX `impact_assessments_workspace_status_ix` ON `impact_assessments` (`workspace_id`,`status`);