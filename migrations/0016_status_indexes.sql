DROP INDEX `ai_systems_workspace_stage_ix`;--> statement-breakpoint
CREATE INDEX `ai_systems_workspace_stage_risk_ix` ON `ai_systems` (`workspace_id`,`stage`,`eu_risk_level`,`owner_person_id`);--> statement-breakpoint
DROP INDEX `incidents_workspace_status_ix`;--> statement-breakpoint
CREATE INDEX `incidents_workspace_status_severity_ix` ON `incidents` (`workspace_id`,`status`,`severity`,`created_at`);--> statement-breakpoint
CREATE INDEX `incidents_workspace_created_ix` ON `incidents` (`workspace_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `incidents_workspace_closed_ix` ON `incidents` (`workspace_id`,`closed_at`);--> statement-breakpoint
DROP INDEX `releases_workspace_status_ix`;--> statement-breakpoint
CREATE INDEX `releases_workspace_status_created_ix` ON `releases` (`workspace_id`,`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `releases_workspace_decided_ix` ON `releases` (`workspace_id`,`decided_at`,`status`);--> statement-breakpoint
DROP INDEX `review_schedules_workspace_due_ix`;--> statement-breakpoint
CREATE INDEX `review_schedules_workspace_due_kind_ix` ON `review_schedules` (`workspace_id`,`next_due`,`kind`);--> statement-breakpoint
CREATE INDEX `people_workspace_ix` ON `people` (`workspace_id`);