import { sql, type Kysely } from 'kysely';

// Maintained rollups (docs/adr/0010-rollups.md): the figures the dashboards
// and the annual completion sum, kept by statement-level triggers in the same
// transaction as every write to projects and monthly_reports — forms, imports,
// seeds and hand-written SQL alike. `npm run rollups:verify` recomputes them.
//
// - rollup_projects: projects and their investment by region, stage, level,
//   industry cluster and plan year.
// - rollup_reports: reported investment by the project's (current) region and
//   month; a project moved to another region takes its reports' sums along.
//
// Rows whose figures fall to zero are deleted, so the tables hold exactly
// what a recomputation gives.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE rollup_projects (
      region_code varchar(32) NOT NULL,
      stage text NOT NULL,
      level text NOT NULL,
      industry_cluster text NOT NULL,
      plan_year integer NOT NULL,
      projects integer NOT NULL,
      total_investment numeric(20,2) NOT NULL,
      annual_plan numeric(20,2) NOT NULL,
      PRIMARY KEY (region_code, stage, level, industry_cluster, plan_year)
    );

    CREATE TABLE rollup_reports (
      region_code varchar(32) NOT NULL,
      month text NOT NULL,
      reports integer NOT NULL,
      late integer NOT NULL,
      invested numeric(20,2) NOT NULL,
      PRIMARY KEY (month, region_code)
    );

    -- Add signed deltas; keys in a fixed order so two writers lock rows in the
    -- same order (no deadlock), then drop the rows that became empty.
    CREATE FUNCTION rollup_projects_add(deltas jsonb) RETURNS void LANGUAGE plpgsql AS $f$
    BEGIN
      INSERT INTO rollup_projects AS r
        (region_code, stage, level, industry_cluster, plan_year, projects, total_investment, annual_plan)
      SELECT d.region_code, d.stage, d.level, d.industry_cluster, d.plan_year,
             sum(d.n), sum(d.total_investment), sum(d.annual_plan)
      FROM jsonb_to_recordset(deltas) AS d(region_code text, stage text, level text, industry_cluster text,
                                           plan_year integer, n integer, total_investment numeric, annual_plan numeric)
      GROUP BY 1, 2, 3, 4, 5
      HAVING sum(d.n) <> 0 OR sum(d.total_investment) <> 0 OR sum(d.annual_plan) <> 0
      ORDER BY 1, 2, 3, 4, 5
      ON CONFLICT (region_code, stage, level, industry_cluster, plan_year) DO UPDATE SET
        projects = r.projects + excluded.projects,
        total_investment = r.total_investment + excluded.total_investment,
        annual_plan = r.annual_plan + excluded.annual_plan;
      DELETE FROM rollup_projects r
      USING jsonb_to_recordset(deltas) AS d(region_code text, stage text, level text, industry_cluster text, plan_year integer)
      WHERE r.region_code = d.region_code AND r.stage = d.stage AND r.level = d.level
        AND r.industry_cluster = d.industry_cluster AND r.plan_year = d.plan_year
        AND r.projects = 0 AND r.total_investment = 0 AND r.annual_plan = 0;
    END $f$;

    CREATE FUNCTION rollup_reports_add(deltas jsonb) RETURNS void LANGUAGE plpgsql AS $f$
    BEGIN
      INSERT INTO rollup_reports AS r (region_code, month, reports, late, invested)
      SELECT d.region_code, d.month, sum(d.n), sum(d.late), sum(d.invested)
      FROM jsonb_to_recordset(deltas) AS d(region_code text, month text, n integer, late integer, invested numeric)
      GROUP BY 1, 2
      HAVING sum(d.n) <> 0 OR sum(d.late) <> 0 OR sum(d.invested) <> 0
      ORDER BY 2, 1
      ON CONFLICT (month, region_code) DO UPDATE SET
        reports = r.reports + excluded.reports,
        late = r.late + excluded.late,
        invested = r.invested + excluded.invested;
      DELETE FROM rollup_reports r
      USING jsonb_to_recordset(deltas) AS d(region_code text, month text)
      WHERE r.month = d.month AND r.region_code = d.region_code
        AND r.reports = 0 AND r.late = 0 AND r.invested = 0;
    END $f$;

    -- projects --------------------------------------------------------------
    CREATE FUNCTION rollup_projects_changed() RETURNS trigger LANGUAGE plpgsql AS $f$
    DECLARE deltas jsonb;
    BEGIN
      IF TG_OP = 'INSERT' THEN
        SELECT jsonb_agg(x) INTO deltas FROM (
          SELECT region_code, stage, level, industry_cluster, plan_year, count(*) AS n,
                 sum(total_investment) AS total_investment, sum(annual_plan) AS annual_plan
          FROM new_rows GROUP BY 1, 2, 3, 4, 5) x;
      ELSIF TG_OP = 'DELETE' THEN
        SELECT jsonb_agg(x) INTO deltas FROM (
          SELECT region_code, stage, level, industry_cluster, plan_year, -count(*) AS n,
                 -sum(total_investment) AS total_investment, -sum(annual_plan) AS annual_plan
          FROM old_rows GROUP BY 1, 2, 3, 4, 5) x;
      ELSE
        -- only the rows whose rolled-up columns changed
        SELECT jsonb_agg(x) INTO deltas FROM (
          SELECT o.region_code, o.stage, o.level, o.industry_cluster, o.plan_year, -1 AS n,
                 -o.total_investment AS total_investment, -o.annual_plan AS annual_plan
          FROM old_rows o JOIN new_rows n ON n.id = o.id
          WHERE (o.region_code, o.stage, o.level, o.industry_cluster, o.plan_year, o.total_investment, o.annual_plan)
                IS DISTINCT FROM (n.region_code, n.stage, n.level, n.industry_cluster, n.plan_year, n.total_investment, n.annual_plan)
          UNION ALL
          SELECT n.region_code, n.stage, n.level, n.industry_cluster, n.plan_year, 1,
                 n.total_investment, n.annual_plan
          FROM old_rows o JOIN new_rows n ON n.id = o.id
          WHERE (o.region_code, o.stage, o.level, o.industry_cluster, o.plan_year, o.total_investment, o.annual_plan)
                IS DISTINCT FROM (n.region_code, n.stage, n.level, n.industry_cluster, n.plan_year, n.total_investment, n.annual_plan)
        ) x;
        -- a project moved to another region takes its reports' sums along
        PERFORM rollup_reports_add(jsonb_agg(y)) FROM (
          SELECT r.region_code, m.month, sum(r.sign) AS n,
                 sum(r.sign * (m.late::int)) AS late, sum(r.sign * m.invested) AS invested
          FROM (SELECT o.id, o.region_code, -1 AS sign FROM old_rows o JOIN new_rows n ON n.id = o.id
                WHERE o.region_code <> n.region_code
                UNION ALL
                SELECT n.id, n.region_code, 1 FROM old_rows o JOIN new_rows n ON n.id = o.id
                WHERE o.region_code <> n.region_code) r
          JOIN monthly_reports m ON m.project_id = r.id
          GROUP BY 1, 2) y
        HAVING count(*) > 0;
      END IF;
      IF deltas IS NOT NULL THEN PERFORM rollup_projects_add(deltas); END IF;
      RETURN NULL;
    END $f$;

    CREATE TRIGGER projects_rollup_insert AFTER INSERT ON projects
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_projects_changed();
    CREATE TRIGGER projects_rollup_update AFTER UPDATE ON projects
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_projects_changed();
    CREATE TRIGGER projects_rollup_delete AFTER DELETE ON projects
      REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_projects_changed();

    -- monthly reports, by the project's current region ---------------------
    CREATE FUNCTION rollup_reports_changed() RETURNS trigger LANGUAGE plpgsql AS $f$
    DECLARE deltas jsonb;
    BEGIN
      IF TG_OP = 'INSERT' THEN
        SELECT jsonb_agg(x) INTO deltas FROM (
          SELECT p.region_code, m.month, count(*) AS n, count(*) FILTER (WHERE m.late) AS late,
                 sum(m.invested) AS invested
          FROM new_rows m JOIN projects p ON p.id = m.project_id GROUP BY 1, 2) x;
      ELSIF TG_OP = 'DELETE' THEN
        SELECT jsonb_agg(x) INTO deltas FROM (
          SELECT p.region_code, m.month, -count(*) AS n, -count(*) FILTER (WHERE m.late) AS late,
                 -sum(m.invested) AS invested
          FROM old_rows m JOIN projects p ON p.id = m.project_id GROUP BY 1, 2) x;
      ELSE
        SELECT jsonb_agg(x) INTO deltas FROM (
          SELECT p.region_code, d.month, sum(d.n) AS n, sum(d.late) AS late, sum(d.invested) AS invested
          FROM (SELECT o.project_id, o.month, -1 AS n, -(o.late::int) AS late, -o.invested AS invested
                FROM old_rows o JOIN new_rows n ON n.id = o.id
                WHERE (o.project_id, o.month, o.late, o.invested) IS DISTINCT FROM (n.project_id, n.month, n.late, n.invested)
                UNION ALL
                SELECT n.project_id, n.month, 1, n.late::int, n.invested
                FROM old_rows o JOIN new_rows n ON n.id = o.id
                WHERE (o.project_id, o.month, o.late, o.invested) IS DISTINCT FROM (n.project_id, n.month, n.late, n.invested)) d
          JOIN projects p ON p.id = d.project_id GROUP BY 1, 2) x;
      END IF;
      IF deltas IS NOT NULL THEN PERFORM rollup_reports_add(deltas); END IF;
      RETURN NULL;
    END $f$;

    CREATE TRIGGER monthly_reports_rollup_insert AFTER INSERT ON monthly_reports
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_reports_changed();
    CREATE TRIGGER monthly_reports_rollup_update AFTER UPDATE ON monthly_reports
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_reports_changed();
    CREATE TRIGGER monthly_reports_rollup_delete AFTER DELETE ON monthly_reports
      REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_reports_changed();

    -- what is already there
    INSERT INTO rollup_projects
      SELECT region_code, stage, level, industry_cluster, plan_year, count(*), sum(total_investment), sum(annual_plan)
      FROM projects GROUP BY 1, 2, 3, 4, 5;
    INSERT INTO rollup_reports
      SELECT p.region_code, m.month, count(*), count(*) FILTER (WHERE m.late), sum(m.invested)
      FROM monthly_reports m JOIN projects p ON p.id = m.project_id GROUP BY 1, 2;
  `.execute(db);
}
