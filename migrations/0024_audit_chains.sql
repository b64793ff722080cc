PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_audit_events` (
	`chain` integer DEFAULT -1 NOT NULL,
	`sequence` integer NOT NULL,
	`at` text NOT NULL,
	`workspace_id` integer,
	`actor_person_id` integer,
	`actor` text NOT NULL,
	`action` text NOT NULL,
	`subject` text NOT NULL,
	`payload` text NOT NULL,
	`previous_hash` text NOT NULL,
	`hash` text NOT NULL,
	PRIMARY KEY(`chain`, `sequence`),
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
INSERT INTO `__new_audit_events`("sequence", "at", "workspace_id", "actor_person_id", "actor", "action", "subject", "payload", "previous_hash", "hash") SELECT "sequence", "at", "workspace_id", "actor_person_id", "actor", "action", "subject", "payload", "previous_hash", "hash" FROM `audit_events`;--> statement-breakpoint
DROP TABLE `audit_events`;--> statement-breakpoint
ALTER TABLE `__new_audit_events` RENAME TO `audit_events`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX `audit_events_previous_hash_uq` ON `audit_events` (`chain`,`previous_hash`);--> statement-breakpoint
CREATE UNIQUE INDEX `audit_events_hash_uq` ON `audit_events` (`hash`);--> statement-breakpoint
CREATE INDEX `audit_events_workspace_ix` ON `audit_events` (`workspace_id`,`sequence`);--> statement-breakpoint
ALTER TABLE `published_anchors` ADD `chain` integer DEFAULT -1 NOT NULL;