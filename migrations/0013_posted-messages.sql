CREATE TABLE `posted_messages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`workspace_id` integer NOT NULL,
	`platform` text NOT NULL,
	`subject` text NOT NULL,
	`purpose` text NOT NULL,
	`channel_id` text NOT NULL,
	`message_id` text NOT NULL,
	`reference` text,
	`created_at` text NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "posted_messages_platform_ck" CHECK("posted_messages"."platform" in ('slack', 'teams'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `posted_messages_platform_channel_message_uq` ON `posted_messages` (`platform`,`channel_id`,`message_id`);--> statement-breakpoint
CREATE INDEX `posted_messages_subject_ix` ON `posted_messages` (`workspace_id`,`subject`);--> statement-breakpoint
-- Data: the copies recorded so far in incidents.posts and releases.posts (JSON) move here; the next migration drops those columns.
INSERT OR IGNORE INTO `posted_messages` (`workspace_id`, `platform`, `subject`, `purpose`, `channel_id`, `message_id`, `reference`, `created_at`)
SELECT i.`workspace_id`, w.`platform`, 'incident:' || i.`id`, coalesce(json_extract(p.value, '$.purpose'), 'incidents'),
  json_extract(p.value, '$.channelId'), json_extract(p.value, '$.messageId'), json_extract(p.value, '$.reference'), i.`created_at`
FROM `incidents` i JOIN `workspaces` w ON w.`id` = i.`workspace_id`, json_each(i.`posts`) p
WHERE json_extract(p.value, '$.channelId') IS NOT NULL AND json_extract(p.value, '$.messageId') IS NOT NULL;
--> statement-breakpoint
INSERT OR IGNORE INTO `posted_messages` (`workspace_id`, `platform`, `subject`, `purpose`, `channel_id`, `message_id`, `reference`, `created_at`)
SELECT r.`workspace_id`, w.`platform`, 'release:' || r.`id`, 'approvals',
  json_extract(p.value, '$.channelId'), json_extract(p.value, '$.messageId'), json_extract(p.value, '$.reference'), r.`created_at`
FROM `releases` r JOIN `workspaces` w ON w.`id` = r.`workspace_id`, json_each(r.`posts`) p
WHERE json_extract(p.value, '$.channelId') IS NOT NULL AND json_extract(p.value, '$.messageId') IS NOT NULL;
