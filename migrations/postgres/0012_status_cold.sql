CREATE TABLE "impact_due" (
	"ai_system_id" integer PRIMARY KEY NOT NULL,
	"workspace_id" integer NOT NULL,
	"name_key" text NOT NULL,
	"since" text NOT NULL,
	"due" text NOT NULL,
	"pending_id" integer
);
--> statement-breakpoint
CREATE INDEX "impact_due_workspace_name_ix" ON "impact_due" USING btree ("workspace_id","name_key");--> statement-breakpoint
CREATE INDEX "impact_due_workspace_due_ix" ON "impact_due" USING btree ("workspace_id","due");--> statement-breakpoint
CREATE INDEX "impact_due_workspace_pending_ix" ON "impact_due" USING btree ("workspace_id","pending_id");--> statement-breakpoint
CREATE INDEX "ai_systems_workspace_created_ix" ON "ai_systems" USING btree ("workspace_id","created_at");--> statement-breakpoint
CREATE INDEX "corrective_actions_workspace_created_ix" ON "corrective_actions" USING btree ("workspace_id","created_at");--> statement-breakpoint
CREATE INDEX "incidents_workspace_status_created_ix" ON "incidents" USING btree ("workspace_id","status","created_at","number");--> statement-breakpoint
CREATE INDEX "releases_system_status_ix" ON "releases" USING btree ("ai_system_id","status");--> statement-breakpoint
CREATE INDEX "releases_workspace_created_ix" ON "releases" USING btree ("workspace_id","created_at");--> statement-breakpoint
CREATE INDEX "review_completions_schedule_date_ix" ON "review_completions" USING btree ("schedule_id","date");--> statement-breakpoint
CREATE INDEX "review_schedules_workspace_kind_ix" ON "review_schedules" USING btree ("workspace_id","kind","next_due");--> statement-breakpoint
-- Hand-written from here (keep when regenerating): impact_due is a maintained aggregate (impactsDue's rule, one
-- row per system whose impact assessment is due), kept by these triggers whoever writes the systems, assessments
-- or releases, and filled here from what exists.
INSERT INTO "impact_due" ("ai_system_id", "workspace_id", "name_key", "since", "due", "pending_id")
    SELECT t."id", t."workspace_id", t."name_key", coalesce(t."rel_since", t."updated_at"), to_char(substr(coalesce(t."rel_since", t."updated_at"), 1, 10)::date + 14, 'YYYY-MM-DD'), t."pending_id"
    FROM (SELECT s."id", s."workspace_id", s."name_key", s."updated_at", s."stage", s."eu_risk_level",
      EXISTS (SELECT 1 FROM "impact_assessments" a WHERE a."ai_system_id" = s."id" AND a."workspace_id" = s."workspace_id" AND a."status" = 'signed') AS "signed",
      (SELECT min(r."created_at") FROM "releases" r WHERE r."ai_system_id" = s."id" AND r."workspace_id" = s."workspace_id"
        AND r."status" IN ('pending', 'approved') AND r."change_type" IN ('new-training-data', 'code-or-architecture')
        AND NOT coalesce((SELECT a."signed_at" FROM "impact_assessments" a WHERE a."ai_system_id" = s."id" AND a."workspace_id" = s."workspace_id" AND a."status" = 'signed' ORDER BY a."id" DESC LIMIT 1) >= r."created_at", false)) AS "rel_since",
      (SELECT max(a."id") FROM "impact_assessments" a WHERE a."ai_system_id" = s."id" AND a."workspace_id" = s."workspace_id" AND a."status" = 'pending') AS "pending_id"
      FROM "ai_systems" s WHERE s."stage" <> 'retired') t
    WHERE (NOT t."signed" AND (t."stage" = 'production' OR t."eu_risk_level" = 'high')) OR t."rel_since" IS NOT NULL;--> statement-breakpoint
CREATE FUNCTION "impact_due_refresh"(refreshed integer) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "impact_due" WHERE "ai_system_id" = refreshed;
  INSERT INTO "impact_due" ("ai_system_id", "workspace_id", "name_key", "since", "due", "pending_id")
    SELECT t."id", t."workspace_id", t."name_key", coalesce(t."rel_since", t."updated_at"), to_char(substr(coalesce(t."rel_since", t."updated_at"), 1, 10)::date + 14, 'YYYY-MM-DD'), t."pending_id"
    FROM (SELECT s."id", s."workspace_id", s."name_key", s."updated_at", s."stage", s."eu_risk_level",
      EXISTS (SELECT 1 FROM "impact_assessments" a WHERE a."ai_system_id" = s."id" AND a."workspace_id" = s."workspace_id" AND a."status" = 'signed') AS "signed",
      (SELECT min(r."created_at") FROM "releases" r WHERE r."ai_system_id" = s."id" AND r."workspace_id" = s."workspace_id"
        AND r."status" IN ('pending', 'approved') AND r."change_type" IN ('new-training-data', 'code-or-architecture')
        AND NOT coalesce((SELECT a."signed_at" FROM "impact_assessments" a WHERE a."ai_system_id" = s."id" AND a."workspace_id" = s."workspace_id" AND a."status" = 'signed' ORDER BY a."id" DESC LIMIT 1) >= r."created_at", false)) AS "rel_since",
      (SELECT max(a."id") FROM "impact_assessments" a WHERE a."ai_system_id" = s."id" AND a."workspace_id" = s."workspace_id" AND a."status" = 'pending') AS "pending_id"
      FROM "ai_systems" s WHERE s."stage" <> 'retired' AND s."id" = refreshed) t
    WHERE (NOT t."signed" AND (t."stage" = 'production' OR t."eu_risk_level" = 'high')) OR t."rel_since" IS NOT NULL;
END
$$;--> statement-breakpoint
CREATE FUNCTION "impact_due_on_system"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM "impact_due_refresh"(NEW."id");
  ELSE
    PERFORM "impact_due_refresh"(OLD."id");
    IF TG_OP = 'UPDATE' AND NEW."id" <> OLD."id" THEN PERFORM "impact_due_refresh"(NEW."id"); END IF;
  END IF;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "impact_due_on_system" AFTER INSERT OR UPDATE OR DELETE ON "ai_systems" FOR EACH ROW EXECUTE FUNCTION "impact_due_on_system"();--> statement-breakpoint
CREATE FUNCTION "impact_due_on_assessment"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM "impact_due_refresh"(NEW."ai_system_id");
  ELSE
    PERFORM "impact_due_refresh"(OLD."ai_system_id");
    IF TG_OP = 'UPDATE' AND NEW."ai_system_id" <> OLD."ai_system_id" THEN PERFORM "impact_due_refresh"(NEW."ai_system_id"); END IF;
  END IF;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "impact_due_on_assessment" AFTER INSERT OR UPDATE OR DELETE ON "impact_assessments" FOR EACH ROW EXECUTE FUNCTION "impact_due_on_assessment"();--> statement-breakpoint
CREATE FUNCTION "impact_due_on_release"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM "impact_due_refresh"(NEW."ai_system_id");
  ELSE
    PERFORM "impact_due_refresh"(OLD."ai_system_id");
    IF TG_OP = 'UPDATE' AND NEW."ai_system_id" <> OLD."ai_system_id" THEN PERFORM "impact_due_refresh"(NEW."ai_system_id"); END IF;
  END IF;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "impact_due_on_release" AFTER INSERT OR UPDATE OF "status", "change_type", "ai_system_id", "created_at" OR DELETE ON "releases" FOR EACH ROW EXECUTE FUNCTION "impact_due_on_release"();
