"""The ancestry rebuild reads its organizations through a hashed set, not ``= ANY(array)``: with the ids of a
whole scale tier (27,000) the array test is a linear scan per placement (27,000 × 27,000 comparisons) and the
rebuild after the capital tier's COPY took over five minutes."""

from django.db import migrations

REBUILD_SQL = """
CREATE OR REPLACE FUNCTION organizations_ancestry_rebuild(ids int[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF ids IS NULL THEN
        DELETE FROM organizations_organizationancestry;
        INSERT INTO organizations_organizationancestry (organization_id, ancestor_id, kind, depth, ancestor_depth, valid)
        SELECT p.organization_id, a.organization_id, p.kind, p.depth, a.depth, p.valid * a.valid
          FROM organizations_organizationplacement p
         CROSS JOIN LATERAL generate_series(1, p.depth) AS k(level)
          JOIN organizations_organizationplacement a
            ON a.path = left(p.path, 4 * k.level) AND a.valid && p.valid;
    ELSE
        DELETE FROM organizations_organizationancestry WHERE organization_id IN (SELECT unnest(ids));
        INSERT INTO organizations_organizationancestry (organization_id, ancestor_id, kind, depth, ancestor_depth, valid)
        SELECT p.organization_id, a.organization_id, p.kind, p.depth, a.depth, p.valid * a.valid
          FROM organizations_organizationplacement p
         CROSS JOIN LATERAL generate_series(1, p.depth) AS k(level)
          JOIN organizations_organizationplacement a
            ON a.path = left(p.path, 4 * k.level) AND a.valid && p.valid
         WHERE p.organization_id IN (SELECT unnest(ids));
    END IF;
END $$;
"""

# 0002's body, restored on the way back.
PREVIOUS_SQL = """
CREATE OR REPLACE FUNCTION organizations_ancestry_rebuild(ids int[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF ids IS NULL THEN
        DELETE FROM organizations_organizationancestry;
    ELSE
        DELETE FROM organizations_organizationancestry WHERE organization_id = ANY(ids);
    END IF;
    INSERT INTO organizations_organizationancestry (organization_id, ancestor_id, kind, depth, ancestor_depth, valid)
    SELECT p.organization_id, a.organization_id, p.kind, p.depth, a.depth, p.valid * a.valid
      FROM organizations_organizationplacement p
     CROSS JOIN LATERAL generate_series(1, p.depth) AS k(level)
      JOIN organizations_organizationplacement a
        ON a.path = left(p.path, 4 * k.level) AND a.valid && p.valid
     WHERE ids IS NULL OR p.organization_id = ANY(ids);
END $$;
"""


class Migration(migrations.Migration):
    dependencies = [("organizations", "0002_ancestry")]

    operations = [migrations.RunSQL(REBUILD_SQL, PREVIOUS_SQL)]
