CREATE TABLE `training_latest` (
	`workspace_id` integer NOT NULL,
	`course_id` integer NOT NULL,
	`person_id` integer NOT NULL,
	`date` text NOT NULL,
	PRIMARY KEY(`person_id`, `course_id`),
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`course_id`) REFERENCES `courses`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `training_latest_workspace_course_date_ix` ON `training_latest` (`workspace_id`,`course_id`,`date`);--> statement-breakpoint
CREATE TABLE `training_latest_days` (
	`workspace_id` integer NOT NULL,
	`course_id` integer NOT NULL,
	`date` text NOT NULL,
	`people` integer NOT NULL,
	PRIMARY KEY(`course_id`, `date`),
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`course_id`) REFERENCES `courses`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `training_people` (
	`workspace_id` integer NOT NULL,
	`person_id` integer PRIMARY KEY NOT NULL,
	`courses` integer NOT NULL,
	`lapses` text NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `training_people_workspace_courses_lapses_ix` ON `training_people` (`workspace_id`,`courses`,`lapses`);--> statement-breakpoint
CREATE INDEX `training_completions_workspace_date_ix` ON `training_completions` (`workspace_id`,`date`);--> statement-breakpoint
-- Hand-written from here (keep when regenerating): the two tables are maintained aggregates, kept by these
-- triggers whoever writes the completions (the bot, a bulk load, a repair by hand) and filled here from what exists.
INSERT INTO `training_latest` (`workspace_id`, `course_id`, `person_id`, `date`)
  SELECT `workspace_id`, `course_id`, `person_id`, max(`date`) FROM `training_completions` GROUP BY `workspace_id`, `course_id`, `person_id`;--> statement-breakpoint
INSERT INTO `training_latest_days` (`workspace_id`, `course_id`, `date`, `people`)
  SELECT `workspace_id`, `course_id`, `date`, count(*) FROM `training_latest` GROUP BY `workspace_id`, `course_id`, `date`;--> statement-breakpoint
INSERT INTO `training_people` (`workspace_id`, `person_id`, `courses`, `lapses`)
    SELECT l.`workspace_id`, l.`person_id`, count(*), min(CASE WHEN c.`renewal_months` IS NULL THEN '9999-12-31' ELSE min(date(l.`date`, 'start of month', '+' || c.`renewal_months` || ' months', '+' || (cast(strftime('%d', l.`date`) as integer) - 1) || ' days'), date(l.`date`, 'start of month', '+' || (c.`renewal_months` + 1) || ' months', '-1 day')) END)
    FROM `training_latest` l JOIN `courses` c ON c.`id` = l.`course_id`
    WHERE 1 = 1 AND c.`status` = 'active' AND json_array_length(c.`required_roles`) = 0
    GROUP BY l.`workspace_id`, l.`person_id`;--> statement-breakpoint
CREATE TRIGGER `training_latest_on_insert` AFTER INSERT ON `training_completions` BEGIN
  INSERT INTO `training_latest` (`workspace_id`, `course_id`, `person_id`, `date`) VALUES (NEW.`workspace_id`, NEW.`course_id`, NEW.`person_id`, NEW.`date`)
    ON CONFLICT (`person_id`, `course_id`) DO UPDATE SET `date` = excluded.`date` WHERE excluded.`date` > `training_latest`.`date`;
END;--> statement-breakpoint
CREATE TRIGGER `training_latest_on_delete` AFTER DELETE ON `training_completions` BEGIN
  DELETE FROM `training_latest` WHERE `course_id` = OLD.`course_id` AND `person_id` = OLD.`person_id`;
  INSERT INTO `training_latest` (`workspace_id`, `course_id`, `person_id`, `date`)
    SELECT `workspace_id`, `course_id`, `person_id`, max(`date`) FROM `training_completions`
    WHERE `course_id` = OLD.`course_id` AND `person_id` = OLD.`person_id` GROUP BY `workspace_id`, `course_id`, `person_id`;
END;--> statement-breakpoint
CREATE TRIGGER `training_latest_on_update` AFTER UPDATE ON `training_completions` BEGIN
  DELETE FROM `training_latest` WHERE (`course_id` = OLD.`course_id` AND `person_id` = OLD.`person_id`) OR (`course_id` = NEW.`course_id` AND `person_id` = NEW.`person_id`);
  INSERT INTO `training_latest` (`workspace_id`, `course_id`, `person_id`, `date`)
    SELECT `workspace_id`, `course_id`, `person_id`, max(`date`) FROM `training_completions`
    WHERE (`course_id` = OLD.`course_id` AND `person_id` = OLD.`person_id`) OR (`course_id` = NEW.`course_id` AND `person_id` = NEW.`person_id`) GROUP BY `workspace_id`, `course_id`, `person_id`;
END;--> statement-breakpoint
CREATE TRIGGER `training_people_on_latest_insert` AFTER INSERT ON `training_latest` BEGIN
  INSERT INTO `training_latest_days` (`workspace_id`, `course_id`, `date`, `people`) VALUES (NEW.`workspace_id`, NEW.`course_id`, NEW.`date`, 1)
    ON CONFLICT (`course_id`, `date`) DO UPDATE SET `people` = `training_latest_days`.`people` + 1;
  DELETE FROM `training_people` WHERE `person_id` = NEW.`person_id`;
  INSERT INTO `training_people` (`workspace_id`, `person_id`, `courses`, `lapses`)
    SELECT l.`workspace_id`, l.`person_id`, count(*), min(CASE WHEN c.`renewal_months` IS NULL THEN '9999-12-31' ELSE min(date(l.`date`, 'start of month', '+' || c.`renewal_months` || ' months', '+' || (cast(strftime('%d', l.`date`) as integer) - 1) || ' days'), date(l.`date`, 'start of month', '+' || (c.`renewal_months` + 1) || ' months', '-1 day')) END)
    FROM `training_latest` l JOIN `courses` c ON c.`id` = l.`course_id`
    WHERE l.`person_id` = NEW.`person_id` AND c.`status` = 'active' AND json_array_length(c.`required_roles`) = 0
    GROUP BY l.`workspace_id`, l.`person_id`;
END;--> statement-breakpoint
CREATE TRIGGER `training_people_on_latest_delete` AFTER DELETE ON `training_latest` BEGIN
  UPDATE `training_latest_days` SET `people` = `people` - 1 WHERE `course_id` = OLD.`course_id` AND `date` = OLD.`date`;
  DELETE FROM `training_latest_days` WHERE `course_id` = OLD.`course_id` AND `date` = OLD.`date` AND `people` = 0;
  DELETE FROM `training_people` WHERE `person_id` = OLD.`person_id`;
  INSERT INTO `training_people` (`workspace_id`, `person_id`, `courses`, `lapses`)
    SELECT l.`workspace_id`, l.`person_id`, count(*), min(CASE WHEN c.`renewal_months` IS NULL THEN '9999-12-31' ELSE min(date(l.`date`, 'start of month', '+' || c.`renewal_months` || ' months', '+' || (cast(strftime('%d', l.`date`) as integer) - 1) || ' days'), date(l.`date`, 'start of month', '+' || (c.`renewal_months` + 1) || ' months', '-1 day')) END)
    FROM `training_latest` l JOIN `courses` c ON c.`id` = l.`course_id`
    WHERE l.`person_id` = OLD.`person_id` AND c.`status` = 'active' AND json_array_length(c.`required_roles`) = 0
    GROUP BY l.`workspace_id`, l.`person_id`;
END;--> statement-breakpoint
CREATE TRIGGER `training_people_on_latest_update` AFTER UPDATE ON `training_latest` BEGIN
  UPDATE `training_latest_days` SET `people` = `people` - 1 WHERE `course_id` = OLD.`course_id` AND `date` = OLD.`date`;
  DELETE FROM `training_latest_days` WHERE `course_id` = OLD.`course_id` AND `date` = OLD.`date` AND `people` = 0;
  INSERT INTO `training_latest_days` (`workspace_id`, `course_id`, `date`, `people`) VALUES (NEW.`workspace_id`, NEW.`course_id`, NEW.`date`, 1)
    ON CONFLICT (`course_id`, `date`) DO UPDATE SET `people` = `training_latest_days`.`people` + 1;
  DELETE FROM `training_people` WHERE `person_id` IN (OLD.`person_id`, NEW.`person_id`);
  INSERT INTO `training_people` (`workspace_id`, `person_id`, `courses`, `lapses`)
    SELECT l.`workspace_id`, l.`person_id`, count(*), min(CASE WHEN c.`renewal_months` IS NULL THEN '9999-12-31' ELSE min(date(l.`date`, 'start of month', '+' || c.`renewal_months` || ' months', '+' || (cast(strftime('%d', l.`date`) as integer) - 1) || ' days'), date(l.`date`, 'start of month', '+' || (c.`renewal_months` + 1) || ' months', '-1 day')) END)
    FROM `training_latest` l JOIN `courses` c ON c.`id` = l.`course_id`
    WHERE l.`person_id` IN (OLD.`person_id`, NEW.`person_id`) AND c.`status` = 'active' AND json_array_length(c.`required_roles`) = 0
    GROUP BY l.`workspace_id`, l.`person_id`;
END;--> statement-breakpoint
CREATE TRIGGER `training_people_on_course_insert` AFTER INSERT ON `courses` BEGIN
  DELETE FROM `training_people` WHERE `workspace_id` = NEW.`workspace_id`;
  INSERT INTO `training_people` (`workspace_id`, `person_id`, `courses`, `lapses`)
    SELECT l.`workspace_id`, l.`person_id`, count(*), min(CASE WHEN c.`renewal_months` IS NULL THEN '9999-12-31' ELSE min(date(l.`date`, 'start of month', '+' || c.`renewal_months` || ' months', '+' || (cast(strftime('%d', l.`date`) as integer) - 1) || ' days'), date(l.`date`, 'start of month', '+' || (c.`renewal_months` + 1) || ' months', '-1 day')) END)
    FROM `training_latest` l JOIN `courses` c ON c.`id` = l.`course_id`
    WHERE l.`workspace_id` = NEW.`workspace_id` AND c.`status` = 'active' AND json_array_length(c.`required_roles`) = 0
    GROUP BY l.`workspace_id`, l.`person_id`;
END;--> statement-breakpoint
CREATE TRIGGER `training_people_on_course_update` AFTER UPDATE OF `status`, `required_roles`, `renewal_months` ON `courses` BEGIN
  DELETE FROM `training_people` WHERE `workspace_id` = NEW.`workspace_id`;
  INSERT INTO `training_people` (`workspace_id`, `person_id`, `courses`, `lapses`)
    SELECT l.`workspace_id`, l.`person_id`, count(*), min(CASE WHEN c.`renewal_months` IS NULL THEN '9999-12-31' ELSE min(date(l.`date`, 'start of month', '+' || c.`renewal_months` || ' months', '+' || (cast(strftime('%d', l.`date`) as integer) - 1) || ' days'), date(l.`date`, 'start of month', '+' || (c.`renewal_months` + 1) || ' months', '-1 day')) END)
    FROM `training_latest` l JOIN `courses` c ON c.`id` = l.`course_id`
    WHERE l.`workspace_id` = NEW.`workspace_id` AND c.`status` = 'active' AND json_array_length(c.`required_roles`) = 0
    GROUP BY l.`workspace_id`, l.`person_id`;
END;
