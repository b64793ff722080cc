ALTER TABLE `workspace_settings` ADD `nudge_hour` integer DEFAULT 8 NOT NULL;--> statement-breakpoint
ALTER TABLE `workspace_settings` ADD `digest_weekday` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `workspace_settings` ADD `digest_hour` integer DEFAULT 9 NOT NULL;