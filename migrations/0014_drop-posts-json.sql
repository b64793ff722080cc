ALTER TABLE `incidents` DROP COLUMN `posts`;--> statement-breakpoint
ALTER TABLE `releases` DROP COLUMN `posts`;