CREATE TABLE `ai_systems` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`workspace_id` integer NOT NULL,
	`name` text NOT NULL,
	`name_key` text NOT NULL,
	`description` text NOT NULL,
	`purpose` text NOT NULL,
	`owner_person_id` integer,
	`eu_risk_level` text NOT NULL,
	`internal_tier` text NOT NULL,
	`stage` text NOT NULL,
	`provider` text NOT NULL,
	`vendor_name` text,
	`model_card_url` text,
	`repository_url` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`owner_person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "ai_systems_stage_ck" CHECK("ai_systems"."stage" in ('development', 'production', 'retired')),
	CONSTRAINT "ai_systems_risk_ck" CHECK("ai_systems"."eu_risk_level" in ('prohibited', 'high', 'limited', 'minimal')),
	CONSTRAINT "ai_systems_vendor_ck" CHECK("ai_systems"."provider" = 'in-house' or "ai_systems"."vendor_name" is not null)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ai_systems_workspace_name_uq` ON `ai_systems` (`workspace_id`,`name_key`);--> statement-breakpoint
CREATE INDEX `ai_systems_workspace_stage_ix` ON `ai_systems` (`workspace_id`,`stage`);--> statement-breakpoint
CREATE TABLE `workspace_settings` (
	`workspace_id` integer PRIMARY KEY NOT NULL,
	`incidents_channel` text,
	`approvals_channel` text,
	`leadership_channel` text,
	`default_approvals` integer DEFAULT 2 NOT NULL,
	`time_zone` text,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
ALTER TABLE `inbound_dedupe_keys` ADD `outcome` text;