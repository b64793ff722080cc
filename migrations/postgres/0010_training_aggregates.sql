CREATE TABLE "training_latest" (
	"workspace_id" integer NOT NULL,
	"course_id" integer NOT NULL,
	"person_id" integer NOT NULL,
	"date" text NOT NULL,
	CONSTRAINT "training_latest_person_id_course_id_pk" PRIMARY KEY("person_id","course_id")
);
--> statement-breakpoint
CREATE TABLE "training_latest_days" (
	"workspace_id" integer NOT NULL,
	"course_id" integer NOT NULL,
	"date" text NOT NULL,
	"people" integer NOT NULL,
	CONSTRAINT "training_latest_days_course_id_date_pk" PRIMARY KEY("course_id","date")
);
--> statement-breakpoint
CREATE TABLE "training_people" (
	"workspace_id" integer NOT NULL,
	"person_id" integer PRIMARY KEY NOT NULL,
	"courses" integer NOT NULL,
	"lapses" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "training_latest" ADD CONSTRAINT "training_latest_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_latest" ADD CONSTRAINT "training_latest_course_id_courses_id_fk" FOREIGN KEY ("course_id") REFERENCES "public"."courses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_latest" ADD CONSTRAINT "training_latest_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_latest_days" ADD CONSTRAINT "training_latest_days_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_latest_days" ADD CONSTRAINT "training_latest_days_course_id_courses_id_fk" FOREIGN KEY ("course_id") REFERENCES "public"."courses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_people" ADD CONSTRAINT "training_people_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_people" ADD CONSTRAINT "training_people_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "training_latest_workspace_course_date_ix" ON "training_latest" USING btree ("workspace_id","course_id","date");--> statement-breakpoint
CREATE INDEX "training_people_workspace_courses_lapses_ix" ON "training_people" USING btree ("workspace_id","courses","lapses");--> statement-breakpoint
CREATE INDEX "training_completions_workspace_date_ix" ON "training_completions" USING btree ("workspace_id","date");--> statement-breakpoint
-- Hand-written from here (keep when regenerating): the two tables are maintained aggregates, kept by these
-- triggers whoever writes the completions and filled here from what exists.
INSERT INTO "training_latest" ("workspace_id", "course_id", "person_id", "date")
  SELECT "workspace_id", "course_id", "person_id", max("date") FROM "training_completions" GROUP BY "workspace_id", "course_id", "person_id";--> statement-breakpoint
INSERT INTO "training_latest_days" ("workspace_id", "course_id", "date", "people")
  SELECT "workspace_id", "course_id", "date", count(*) FROM "training_latest" GROUP BY "workspace_id", "course_id", "date";--> statement-breakpoint
INSERT INTO "training_people" ("workspace_id", "person_id", "courses", "lapses")
    SELECT l."workspace_id", l."person_id", count(*), min(CASE WHEN c."renewal_months" IS NULL THEN '9999-12-31' ELSE to_char(l."date"::date + make_interval(months => c."renewal_months"), 'YYYY-MM-DD') END)
    FROM "training_latest" l JOIN "courses" c ON c."id" = l."course_id"
    WHERE true AND c."status" = 'active' AND json_array_length(c."required_roles") = 0
    GROUP BY l."workspace_id", l."person_id";--> statement-breakpoint
CREATE FUNCTION "training_latest_maintain"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "training_latest" AS t ("workspace_id", "course_id", "person_id", "date") VALUES (NEW."workspace_id", NEW."course_id", NEW."person_id", NEW."date")
      ON CONFLICT ("person_id", "course_id") DO UPDATE SET "date" = excluded."date" WHERE excluded."date" > t."date";
    RETURN NULL;
  END IF;
  DELETE FROM "training_latest" WHERE "course_id" = OLD."course_id" AND "person_id" = OLD."person_id";
  INSERT INTO "training_latest" ("workspace_id", "course_id", "person_id", "date")
    SELECT "workspace_id", "course_id", "person_id", max("date") FROM "training_completions"
    WHERE "course_id" = OLD."course_id" AND "person_id" = OLD."person_id" GROUP BY "workspace_id", "course_id", "person_id";
  IF TG_OP = 'UPDATE' AND (NEW."course_id" <> OLD."course_id" OR NEW."person_id" <> OLD."person_id") THEN
  DELETE FROM "training_latest" WHERE "course_id" = NEW."course_id" AND "person_id" = NEW."person_id";
  INSERT INTO "training_latest" ("workspace_id", "course_id", "person_id", "date")
    SELECT "workspace_id", "course_id", "person_id", max("date") FROM "training_completions"
    WHERE "course_id" = NEW."course_id" AND "person_id" = NEW."person_id" GROUP BY "workspace_id", "course_id", "person_id";
  END IF;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "training_latest_maintain" AFTER INSERT OR UPDATE OR DELETE ON "training_completions" FOR EACH ROW EXECUTE FUNCTION "training_latest_maintain"();--> statement-breakpoint
CREATE FUNCTION "training_people_on_latest"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE "training_latest_days" SET "people" = "people" - 1 WHERE "course_id" = OLD."course_id" AND "date" = OLD."date";
    DELETE FROM "training_latest_days" WHERE "course_id" = OLD."course_id" AND "date" = OLD."date" AND "people" = 0;
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN
    INSERT INTO "training_latest_days" AS d ("workspace_id", "course_id", "date", "people") VALUES (NEW."workspace_id", NEW."course_id", NEW."date", 1)
      ON CONFLICT ("course_id", "date") DO UPDATE SET "people" = d."people" + 1;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    DELETE FROM "training_people" WHERE "person_id" = OLD."person_id";
    INSERT INTO "training_people" ("workspace_id", "person_id", "courses", "lapses")
    SELECT l."workspace_id", l."person_id", count(*), min(CASE WHEN c."renewal_months" IS NULL THEN '9999-12-31' ELSE to_char(l."date"::date + make_interval(months => c."renewal_months"), 'YYYY-MM-DD') END)
    FROM "training_latest" l JOIN "courses" c ON c."id" = l."course_id"
    WHERE l."person_id" = OLD."person_id" AND c."status" = 'active' AND json_array_length(c."required_roles") = 0
    GROUP BY l."workspace_id", l."person_id";
  END IF;
  IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW."person_id" <> OLD."person_id") THEN
    DELETE FROM "training_people" WHERE "person_id" = NEW."person_id";
    INSERT INTO "training_people" ("workspace_id", "person_id", "courses", "lapses")
    SELECT l."workspace_id", l."person_id", count(*), min(CASE WHEN c."renewal_months" IS NULL THEN '9999-12-31' ELSE to_char(l."date"::date + make_interval(months => c."renewal_months"), 'YYYY-MM-DD') END)
    FROM "training_latest" l JOIN "courses" c ON c."id" = l."course_id"
    WHERE l."person_id" = NEW."person_id" AND c."status" = 'active' AND json_array_length(c."required_roles") = 0
    GROUP BY l."workspace_id", l."person_id";
  END IF;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "training_people_on_latest" AFTER INSERT OR UPDATE OR DELETE ON "training_latest" FOR EACH ROW EXECUTE FUNCTION "training_people_on_latest"();--> statement-breakpoint
CREATE FUNCTION "training_people_on_course"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "training_people" WHERE "workspace_id" = NEW."workspace_id";
  INSERT INTO "training_people" ("workspace_id", "person_id", "courses", "lapses")
    SELECT l."workspace_id", l."person_id", count(*), min(CASE WHEN c."renewal_months" IS NULL THEN '9999-12-31' ELSE to_char(l."date"::date + make_interval(months => c."renewal_months"), 'YYYY-MM-DD') END)
    FROM "training_latest" l JOIN "courses" c ON c."id" = l."course_id"
    WHERE l."workspace_id" = NEW."workspace_id" AND c."status" = 'active' AND json_array_length(c."required_roles") = 0
    GROUP BY l."workspace_id", l."person_id";
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "training_people_on_course" AFTER INSERT OR UPDATE OF "status", "required_roles", "renewal_months" ON "courses" FOR EACH ROW EXECUTE FUNCTION "training_people_on_course"();
