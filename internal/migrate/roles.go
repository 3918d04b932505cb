package migrate

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/fountainai/fountainai/migrations"
)

// Each service owns its schema and has a database role of its own, fountain_<schema>, holding the
// rights to its own tables and the roles of the interfaces it uses from other services (the sequence
// service's placement functions, the idempotency keys): a deployment that gives each service its own
// login, a member of that role, gets the ownership rule of DESIGN.md enforced by PostgreSQL. Roles
// are cluster-wide and need CREATEROLE; a user without it migrates everything else, and the services
// then all act as that user.

// RoleOf is the role of the service that owns schema.
func RoleOf(schema string) string { return "fountain_" + schema }

// createRoles creates the roles every schema's migrations and grants name, where the user may: also
// those of interfaces a schema uses whose own schema is not migrated here (a process serving one
// service), so that the grants hold when it is.
func createRoles(ctx context.Context, conn *pgx.Conn, schemas []Schema, logger *slog.Logger) (bool, error) {
	var may bool
	if err := conn.QueryRow(ctx, `SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user`).Scan(&may); err != nil {
		return false, fmt.Errorf("read the migrating user's rights: %w", err)
	}
	if !may {
		logger.Info("the database user may not create roles: the services' roles are left out")
		return false, nil
	}
	for _, s := range schemas {
		r := migrations.Roles[s.Name]
		for _, role := range slices.Concat([]string{RoleOf(s.Name)}, r.Publishes, r.Uses) {
			err := clusterWide(ctx, func() error {
				_, err := conn.Exec(ctx, "CREATE ROLE "+pgx.Identifier{role}.Sanitize()+" NOLOGIN")
				if code(err) == "42710" { // duplicate_object: made before, here or by another database
					return nil
				}
				return err
			})
			if err != nil {
				return false, fmt.Errorf("create role %s: %w", role, err)
			}
		}
	}
	return true, nil
}

// grantRoles gives each schema's role the rights to its tables and the roles of the interfaces it
// uses. It runs after every migration, so tables added since are covered.
func grantRoles(ctx context.Context, conn *pgx.Conn, schemas []Schema) error {
	for _, s := range schemas {
		role, schema := pgx.Identifier{RoleOf(s.Name)}.Sanitize(), pgx.Identifier{s.Name}.Sanitize()
		for _, stmt := range []string{
			"GRANT USAGE ON SCHEMA " + schema + " TO " + role,
			"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA " + schema + " TO " + role,
			"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA " + schema + " TO " + role,
		} {
			if _, err := conn.Exec(ctx, stmt); err != nil {
				return fmt.Errorf("grant %s its schema: %w", role, err)
			}
		}
		for _, used := range migrations.Roles[s.Name].Uses {
			err := clusterWide(ctx, func() error {
				_, err := conn.Exec(ctx, "GRANT "+pgx.Identifier{used}.Sanitize()+" TO "+role)
				return err
			})
			if err != nil {
				return fmt.Errorf("grant %s to %s: %w", used, role, err)
			}
		}
	}
	return nil
}

// clusterWide runs a change of the cluster's shared catalogs, again when another database's
// migration made the same change at the same moment: the migration lock serialises one database
// only.
func clusterWide(ctx context.Context, change func() error) error {
	for attempt := 1; ; attempt++ {
		err := change()
		switch c := code(err); {
		case err == nil:
			return nil
		case attempt < 10 && (c == "23505" || c == "40001" || c == "XX000"):
			// unique_violation on the shared catalogs' indexes, or "tuple concurrently updated"
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(time.Duration(attempt) * 20 * time.Millisecond):
			}
		default:
			return err
		}
	}
}

func code(err error) string {
	if pgErr, ok := errors.AsType[*pgconn.PgError](err); ok {
		return pgErr.Code
	}
	return ""
}
