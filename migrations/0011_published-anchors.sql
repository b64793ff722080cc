CREATE TABLE `published_anchors` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`workspace_id` integer NOT NULL,
	`sequence` integer NOT NULL,
	`hash` text NOT NULL,
	`channel_id` text NOT NULL,
	`channel_name` text,
	`message_id` text,
	`source` text NOT NULL,
	`published_at` text NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `published_anchors_workspace_sequence_ix` ON `published_anchors` (`workspace_id`,`sequence`);