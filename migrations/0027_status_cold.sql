CREATE TABLE `impact_due` (
	`ai_system_id` integer PRIMARY KEY NOT NULL,
	`workspace_id` integer NOT NULL,
	`name_key` text NOT NULL,
	`since` text NOT NULL,
	`due` text NOT NULL,
	`pending_id` integer
);
--> statement-breakpoint
CREATE INDEX `impact_due_workspace_name_ix` ON `impact_due` (`workspace_id`,`name_key`);--> statement-breakpoint
CREATE INDEX `impact_due_workspace_due_ix` ON `impact_due` (`workspace_id`,`due`);--> statement-breakpoint
CREATE INDEX `impact_due_workspace_pending_ix` ON `impact_due` (`workspace_id`,`pending_id`);--> statement-breakpoint
CREATE INDEX `ai_systems_workspace_created_ix` ON `ai_systems` (`workspace_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `corrective_actions_workspace_created_ix` ON `corrective_actions` (`workspace_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `incidents_workspace_status_created_ix` ON `incidents` (`workspace_id`,`status`,`created_at`,`number`);--> statement-breakpoint
CREATE INDEX `releases_system_status_ix` ON `releases` (`ai_system_id`,`status`);--> statement-breakpoint
CREATE INDEX `releases_workspace_created_ix` ON `releases` (`workspace_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `review_completions_schedule_date_ix` ON `review_completions` (`schedule_id`,`date`);--> statement-breakpoint
CREATE INDEX `review_schedules_workspace_kind_ix` ON `review_schedules` (`workspace_id`,`kind`,`next_due`);--> statement-breakpoint
-- Hand-written from here (keep when regenerating): impact_due is a maintained aggregate (impactsDue's rule, one
-- row per system whose impact assessment is due), kept by these triggers whoever writes the systems, assessments
-- or releases, and filled here from what exists.
INSERT INTO `impact_due` (`ai_system_id`, `workspace_id`, `name_key`, `since`, `due`, `pending_id`)
    SELECT t.`id`, t.`workspace_id`, t.`name_key`, coalesce(t.`rel_since`, t.`updated_at`), date(substr(coalesce(t.`rel_since`, t.`updated_at`), 1, 10), '+14 days'), t.`pending_id`
    FROM (SELECT s.`id`, s.`workspace_id`, s.`name_key`, s.`updated_at`, s.`stage`, s.`eu_risk_level`,
      EXISTS (SELECT 1 FROM `impact_assessments` a WHERE a.`ai_system_id` = s.`id` AND a.`workspace_id` = s.`workspace_id` AND a.`status` = 'signed') AS `signed`,
      (SELECT min(r.`created_at`) FROM `releases` r WHERE r.`ai_system_id` = s.`id` AND r.`workspace_id` = s.`workspace_id`
        AND r.`status` IN ('pending', 'approved') AND r.`change_type` IN ('new-training-data', 'code-or-architecture')
        AND NOT coalesce((SELECT a.`signed_at` FROM `impact_assessments` a WHERE a.`ai_system_id` = s.`id` AND a.`workspace_id` = s.`workspace_id` AND a.`status` = 'signed' ORDER BY a.`id` DESC LIMIT 1) >= r.`created_at`, 0)) AS `rel_since`,
      (SELECT max(a.`id`) FROM `impact_assessments` a WHERE a.`ai_system_id` = s.`id` AND a.`workspace_id` = s.`workspace_id` AND a.`status` = 'pending') AS `pending_id`
      FROM `ai_systems` s WHERE s.`stage` <> 'retired') t
    WHERE (NOT t.`signed` AND (t.`stage` = 'production' OR t.`eu_risk_level` = 'high')) OR t.`rel_since` IS NOT NULL;--> statement-breakpoint
CREATE TRIGGER `impact_due_on_system_insert` AFTER INSERT ON `ai_systems` BEGIN
  DELETE FROM `impact_due` WHERE `ai_system_id` IN (NEW.`id`);
  INSERT INTO `impact_due` (`ai_system_id`, `workspace_id`, `name_key`, `since`, `due`, `pending_id`)
    SELECT t.`id`, t.`workspace_id`, t.`name_key`, coalesce(t.`rel_since`, t.`updated_at`), date(substr(coalesce(t.`rel_since`, t.`updated_at`), 1, 10), '+14 days'), t.`pending_id`
    FROM (SELECT s.`id`, s.`workspace_id`, s.`name_key`, s.`updated_at`, s.`stage`, s.`eu_risk_level`,
      EXISTS (SELECT 1 FROM `impact_assessments` a WHERE a.`ai_system_id` = s.`id` AND a.`workspace_id` = s.`workspace_id` AND a.`status` = 'signed') AS `signed`,
      (SELECT min(r.`created_at`) FROM `releases` r WHERE r.`ai_system_id` = s.`id` AND r.`workspace_id` = s.`workspace_id`
        AND r.`status` IN ('pending', 'approved') AND r.`change_type` IN ('new-training-data', 'code-or-architecture')
        AND NOT coalesce((SELECT a.`signed_at` FROM `impact_assessments` a WHERE a.`ai_system_id` = s.`id` AND a.`workspace_id` = s.`workspace_id` AND a.`status` = 'signed' ORDER BY a.`id` DESC LIMIT 1) >= r.`created_at`, 0)) AS `rel_since`,
      (SELECT max(a.`id`) FROM `impact_assessments` a WHERE a.`ai_system_id` = s.`id` AND a.`workspace_id` = s.`workspace_id` AND a.`status` = 'pending') AS `pending_id`
      FROM `ai_systems` s WHERE s.`stage` <> 'retired' AND s.`id` IN (NEW.`id`)) t
    WHERE (NOT t.`signed` AND (t.`stage` = 'production' OR t.`eu_risk_level` = 'high')) OR t.`rel_since` IS NOT NULL;
END;--> statement-breakpoint
CREATE TRIGGER `impact_due_on_system_update` AFTER UPDATE ON `ai_systems` BEGIN
  DELETE FROM `impact_due` WHERE `ai_system_id` IN (OLD.`id`, NEW.`id`);
  INSERT INTO `impact_due` (`ai_system_id`, `workspace_id`, `name_key`, `since`, `due`, `pending_id`)
    SELECT t.`id`, t.`workspace_id`, t.`name_key`, coalesce(t.`rel_since`, t.`updated_at`), date(substr(coalesce(t.`rel_since`, t.`updated_at`), 1, 10), '+14 days'), t.`pending_id`
    FROM (SELECT s.`id`, s.`workspace_id`, s.`name_key`, s.`updated_at`, s.`stage`, s.`eu_risk_level`,
      EXISTS (SELECT 1 FROM `impact_assessments` a WHERE a.`ai_system_id` = s.`id` AND a.`workspace_id` = s.`workspace_id` AND a.`status` = 'signed') AS `signed`,
      (SELECT min(r.`created_at`) FROM `releases` r WHERE r.`ai_system_id` = s.`id` AND r.`workspace_id` = s.`workspace_id`
        AND r.`status` IN ('pending', 'approved') AND r.`change_type` IN ('new-training-data', 'code-or-architecture')
        AND NOT coalesce((SELECT a.`signed_at` FROM `impact_assessments` a WHERE a.`ai_system_id` = s.`id` AND a.`workspace_id` = s.`workspace_id` AND a.`status` = 'signed' ORDER BY a.`id` DESC LIMIT 1) >= r.`created_at`, 0)) AS `rel_since`,
      (SELECT max(a.`id`) FROM `impact_assessments` a WHERE a.`ai_system_id` = s.`id` AND a.`workspace_id` = s.`workspace_id` AND a.`status` = 'pending') AS `pending_id`
      FROM `ai_systems` s WHERE s.`stage` <> 'retired' AND s.`id` IN (OLD.`id`, NEW.`id`)) t
    WHERE (NOT t.`signed` AND (t.`stage` = 'production' OR t.`eu_risk_level` = 'high')) OR t.`rel_since` IS NOT NULL;
END;--> statement-breakpoint
CREATE TRIGGER `impact_due_on_system_delete` AFTER DELETE ON `ai_systems` BEGIN
  DELETE FROM `impact_due` WHERE `ai_system_id` IN (OLD.`id`);
  INSERT INTO `impact_due` (`ai_system_id`, `workspace_id`, `name_key`, `since`, `due`, `pending_id`)
    SELECT t.`id`, t.`workspace_id`, t.`name_key`, coalesce(t.`rel_since`, t.`updated_at`), date(substr(coalesce(t.`rel_since`, t.`updated_at`), 1, 10), '+14 days'), t.`pending_id`
    FROM (SELECT s.`id`, s.`workspace_id`, s.`name_key`, s.`updated_at`, s.`stage`, s.`eu_risk_level`,
      EXISTS (SELECT 1 FROM `impact_assessments` a WHERE a.`ai_system_id` = s.`id` AND a.`workspace_id` = s.`workspace_id` AND a.`status` = 'signed') AS `signed`,
      (SELECT min(r.`created_at`) FROM `releases` r WHERE r.`ai_system_id` = s.`id` AND r.`workspace_id` = s.`workspace_id`
        AND r.`status` IN ('pending', 'approved') AND r.`change_type` IN ('new-training-data', 'code-or-architecture')
        AND NOT coalesce((SELECT a.`signed_at` FROM `impact_assessments` a WHERE a.`ai_system_id` = s.`id` AND a.`workspace_id` = s.`workspace_id` AND a.`status` = 'signed' ORDER BY a.`id` DESC LIMIT 1) >= r.`created_at`, 0)) AS `rel_since`,
      (SELECT max(a.`id`) FROM `impact_assessments` a WHERE a.`ai_system_id` = s.`id` AND a.`workspace_id` = s.`workspace_id` AND a.`status` = 'pending') AS `pending_id`
      FROM `ai_systems` s WHERE s.`stage` <> 'retired' AND s.`id` IN (OLD.`id`)) t
    WHERE (NOT t.`signed` AND (t.`stage` = 'production' OR t.`eu_risk_level` = 'high')) OR t.`rel_since` IS NOT NULL;
END;--> statement-breakpoint
CREATE TRIGGER `impact_due_on_assessment_insert` AFTER INSERT ON `impact_assessments` BEGIN
  DELETE FROM `impact_due` WHERE `ai_system_id` IN (NEW.`ai_system_id`);
  INSERT INTO `impact_due` (`ai_system_id`, `workspace_id`, `name_key`, `since`, `due`, `pending_id`)
    SELECT t.`id`, t.`workspace_id`, t.`name_key`, coalesce(t.`rel_since`, t.`updated_at`), date(substr(coalesce(t.`rel_since`, t.`updated_at`), 1, 10), '+14 days'), t.`pending_id`
    FROM (SELECT s.`id`, s.`workspace_id`, s.`name_key`, s.`updated_at`, s.`stage`, s.`eu_risk_level`,
      EXISTS (SELECT 1 FROM `impact_assessments` a WHERE a.`ai_system_id` = s.`id` AND a.`workspace_id` = s.`workspace_id` AND a.`status` = 'signed') AS `signed`,
      (SELECT min(r.`created_at`) FROM `releases` r WHERE r.`ai_system_id` = s.`id` AND r.`workspace_id` = s.`workspace_id`
        AND r.`status` IN ('pending', 'approved') AND r.`change_type` IN ('new-training-data', 'code-or-architecture')
        AND NOT coalesce((SELECT a.`signed_at` FROM `impact_assessments` a WHERE a.`ai_system_id` = s.`id` AND a.`workspace_id` = s.`workspace_id` AND a.`status` = 'signed' ORDER BY a.`id` DESC LIMIT 1) >= r.`created_at`, 0)) AS `rel_since`,
      (SELECT max(a.`id`) FROM `impact_assessments` a WHERE a.`ai_system_id` = s.`id` AND a.`workspace_id` = s.`workspace_id` AND a.`status` = 'pending') AS `pending_id`
      FROM `ai_systems` s WHERE s.`stage` <> 'retired' AND s.`id` IN (NEW.`ai_system_id`)) t
    WHERE (NOT t.`signed` AND (t.`stage` = 'production' OR t.`eu_risk_level` = 'high')) OR t.`rel_since` IS NOT NULL;
END;--> statement-breakpoint
CREATE TRIGGER `impact_due_on_assessment_update` AFTER UPDATE ON `impact_assessments` BEGIN
  DELETE FROM `impact_due` WHERE `ai_system_id` IN (OLD.`ai_system_id`, NEW.`ai_system_id`);
  INSERT INTO `impact_due` (`ai_system_id`, `workspace_id`, `name_key`, `since`, `due`, `pending_id`)
    SELECT t.`id`, t.`workspace_id`, t.`name_key`, coalesce(t.`rel_since`, t.`updated_at`), date(substr(coalesce(t.`rel_since`, t.`updated_at`), 1, 10), '+14 days'), t.`pending_id`
    FROM (SELECT s.`id`, s.`workspace_id`, s.`name_key`, s.`updated_at`, s.`stage`, s.`eu_risk_level`,
      EXISTS (SELECT 1 FROM `impact_assessments` a WHERE a.`ai_system_id` = s.`id` AND a.`workspace_id` = s.`workspace_id` AND a.`status` = 'signed') AS `signed`,
      (SELECT min(r.`created_at`) FROM `releases` r WHERE r.`ai_system_id` = s.`id` AND r.`workspace_id` = s.`workspace_id`
        AND r.`status` IN ('pending', 'approved') AND r.`change_type` IN ('new-training-data', 'code-or-architecture')
        AND NOT coalesce((SELECT a.`signed_at` FROM `impact_assessments` a WHERE a.`ai_system_id` = s.`id` AND a.`workspace_id` = s.`workspace_id` AND a.`status` = 'signed' ORDER BY a.`id` DESC LIMIT 1) >= r.`created_at`, 0)) AS `rel_since`,
      (SELECT max(a.`id`) FROM `impact_assessments` a WHERE a.`ai_system_id` = s.`id` AND a.`workspace_id` = s.`workspace_id` AND a.`status` = 'pending') AS `pending_id`
      FROM `ai_systems` s WHERE s.`stage` <> 'retired' AND s.`id` IN (OLD.`ai_system_id`, NEW.`ai_system_id`)) t
    WHERE (NOT t.`signed` AND (t.`stage` = 'production' OR t.`eu_risk_level` = 'high')) OR t.`rel_since` IS NOT NULL;
END;--> statement-breakpoint
CREATE TRIGGER `impact_due_on_assessment_delete` AFTER DELETE ON `impact_assessments` BEGIN
  DELETE FROM `impact_due` WHERE `ai_system_id` IN (OLD.`ai_system_id`);
  INSERT INTO `impact_due` (`ai_system_id`, `workspace_id`, `name_key`, `since`, `due`, `pending_id`)
    SELECT t.`id`, t.`workspace_id`, t.`name_key`, coalesce(t.`rel_since`, t.`updated_at`), date(substr(coalesce(t.`rel_since`, t.`updated_at`), 1, 10), '+14 days'), t.`pending_id`
    FROM (SELECT s.`id`, s.`workspace_id`, s.`name_key`, s.`updated_at`, s.`stage`, s.`eu_risk_level`,
      EXISTS (SELECT 1 FROM `impact_assessments` a WHERE a.`ai_system_id` = s.`id` AND a.`workspace_id` = s.`workspace_id` AND a.`status` = 'signed') AS `signed`,
      (SELECT min(r.`created_at`) FROM `releases` r WHERE r.`ai_system_id` = s.`id` AND r.`workspace_id` = s.`workspace_id`
        AND r.`status` IN ('pending', 'approved') AND r.`change_type` IN ('new-training-data', 'code-or-architecture')
        AND NOT coalesce((SELECT a.`signed_at` FROM `impact_assessments` a WHERE a.`ai_system_id` = s.`id` AND a.`workspace_id` = s.`workspace_id` AND a.`status` = 'signed' ORDER BY a.`id` DESC LIMIT 1) >= r.`created_at`, 0)) AS `rel_since`,
      (SELECT max(a.`id`) FROM `impact_assessments` a WHERE a.`ai_system_id` = s.`id` AND a.`workspace_id` = s.`workspace_id` AND a.`status` = 'pending') AS `pending_id`
      FROM `ai_systems` s WHERE s.`stage` <> 'retired' AND s.`id` IN (OLD.`ai_system_id`)) t
    WHERE (NOT t.`signed` AND (t.`stage` = 'production' OR t.`eu_risk_level` = 'high')) OR t.`rel_since` IS NOT NULL;
END;--> statement-breakpoint
CREATE TRIGGER `impact_due_on_release_insert` AFTER INSERT ON `releases` BEGIN
  DELETE FROM `impact_due` WHERE `ai_system_id` IN (NEW.`ai_system_id`);
  INSERT INTO `impact_due` (`ai_system_id`, `workspace_id`, `name_key`, `since`, `due`, `pending_id`)
    SELECT t.`id`, t.`workspace_id`, t.`name_key`, coalesce(t.`rel_since`, t.`updated_at`), date(substr(coalesce(t.`rel_since`, t.`updated_at`), 1, 10), '+14 days'), t.`pending_id`
    FROM (SELECT s.`id`, s.`workspace_id`, s.`name_key`, s.`updated_at`, s.`stage`, s.`eu_risk_level`,
      EXISTS (SELECT 1 FROM `impact_assessments` a WHERE a.`ai_system_id` = s.`id` AND a.`workspace_id` = s.`workspace_id` AND a.`status` = 'signed') AS `signed`,
      (SELECT min(r.`created_at`) FROM `releases` r WHERE r.`ai_system_id` = s.`id` AND r.`workspace_id` = s.`workspace_id`
        AND r.`status` IN ('pending', 'approved') AND r.`change_type` IN ('new-training-data', 'code-or-architecture')
        AND NOT coalesce((SELECT a.`signed_at` FROM `impact_assessments` a WHERE a.`ai_system_id` = s.`id` AND a.`workspace_id` = s.`workspace_id` AND a.`status` = 'signed' ORDER BY a.`id` DESC LIMIT 1) >= r.`created_at`, 0)) AS `rel_since`,
      (SELECT max(a.`id`) FROM `impact_assessments` a WHERE a.`ai_system_id` = s.`id` AND a.`workspace_id` = s.`workspace_id` AND a.`status` = 'pending') AS `pending_id`
      FROM `ai_systems` s WHERE s.`stage` <> 'retired' AND s.`id` IN (NEW.`ai_system_id`)) t
    WHERE (NOT t.`signed` AND (t.`stage` = 'production' OR t.`eu_risk_level` = 'high')) OR t.`rel_since` IS NOT NULL;
END;--> statement-breakpoint
CREATE TRIGGER `impact_due_on_release_update` AFTER UPDATE OF `status`, `change_type`, `ai_system_id`, `created_at` ON `releases` BEGIN
  DELETE FROM `impact_due` WHERE `ai_system_id` IN (OLD.`ai_system_id`, NEW.`ai_system_id`);
  INSERT INTO `impact_due` (`ai_system_id`, `workspace_id`, `name_key`, `since`, `due`, `pending_id`)
    SELECT t.`id`, t.`workspace_id`, t.`name_key`, coalesce(t.`rel_since`, t.`updated_at`), date(substr(coalesce(t.`rel_since`, t.`updated_at`), 1, 10), '+14 days'), t.`pending_id`
    FROM (SELECT s.`id`, s.`workspace_id`, s.`name_key`, s.`updated_at`, s.`stage`, s.`eu_risk_level`,
      EXISTS (SELECT 1 FROM `impact_assessments` a WHERE a.`ai_system_id` = s.`id` AND a.`workspace_id` = s.`workspace_id` AND a.`status` = 'signed') AS `signed`,
      (SELECT min(r.`created_at`) FROM `releases` r WHERE r.`ai_system_id` = s.`id` AND r.`workspace_id` = s.`workspace_id`
        AND r.`status` IN ('pending', 'approved') AND r.`change_type` IN ('new-training-data', 'code-or-architecture')
        AND NOT coalesce((SELECT a.`signed_at` FROM `impact_assessments` a WHERE a.`ai_system_id` = s.`id` AND a.`workspace_id` = s.`workspace_id` AND a.`status` = 'signed' ORDER BY a.`id` DESC LIMIT 1) >= r.`created_at`, 0)) AS `rel_since`,
      (SELECT max(a.`id`) FROM `impact_assessments` a WHERE a.`ai_system_id` = s.`id` AND a.`workspace_id` = s.`workspace_id` AND a.`status` = 'pending') AS `pending_id`
      FROM `ai_systems` s WHERE s.`stage` <> 'retired' AND s.`id` IN (OLD.`ai_system_id`, NEW.`ai_system_id`)) t
    WHERE (NOT t.`signed` AND (t.`stage` = 'production' OR t.`eu_risk_level` = 'high')) OR t.`rel_since` IS NOT NULL;
END;--> statement-breakpoint
CREATE TRIGGER `impact_due_on_release_delete` AFTER DELETE ON `releases` BEGIN
  DELETE FROM `impact_due` WHERE `ai_system_id` IN (OLD.`ai_system_id`);
  INSERT INTO `impact_due` (`ai_system_id`, `workspace_id`, `name_key`, `since`, `due`, `pending_id`)
    SELECT t.`id`, t.`workspace_id`, t.`name_key`, coalesce(t.`rel_since`, t.`updated_at`), date(substr(coalesce(t.`rel_since`, t.`updated_at`), 1, 10), '+14 days'), t.`pending_id`
    FROM (SELECT s.`id`, s.`workspace_id`, s.`name_key`, s.`updated_at`, s.`stage`, s.`eu_risk_level`,
      EXISTS (SELECT 1 FROM `impact_assessments` a WHERE a.`ai_system_id` = s.`id` AND a.`workspace_id` = s.`workspace_id` AND a.`status` = 'signed') AS `signed`,
      (SELECT min(r.`created_at`) FROM `releases` r WHERE r.`ai_system_id` = s.`id` AND r.`workspace_id` = s.`workspace_id`
        AND r.`status` IN ('pending', 'approved') AND r.`change_type` IN ('new-training-data', 'code-or-architecture')
        AND NOT coalesce((SELECT a.`signed_at` FROM `impact_assessments` a WHERE a.`ai_system_id` = s.`id` AND a.`workspace_id` = s.`workspace_id` AND a.`status` = 'signed' ORDER BY a.`id` DESC LIMIT 1) >= r.`created_at`, 0)) AS `rel_since`,
      (SELECT max(a.`id`) FROM `impact_assessments` a WHERE a.`ai_system_id` = s.`id` AND a.`workspace_id` = s.`workspace_id` AND a.`status` = 'pending') AS `pending_id`
      FROM `ai_systems` s WHERE s.`stage` <> 'retired' AND s.`id` IN (OLD.`ai_system_id`)) t
    WHERE (NOT t.`signed` AND (t.`stage` = 'production' OR t.`eu_risk_level` = 'high')) OR t.`rel_since` IS NOT NULL;
END;
