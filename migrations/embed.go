// Package migrations embeds every service's SQL migrations, one directory per service schema. sqlc
// reads the same files to type the queries.
package migrations

import (
	"embed"
	"io/fs"
)

// FS holds <service>/<NNNNN>_<name>.sql for every service.
//
//go:embed */*.sql
var FS embed.FS

// For returns the migrations of one schema.
func For(schema string) fs.FS {
	sub, err := fs.Sub(FS, schema)
	if err != nil {
		panic(err) // the directories are embedded at build time; a bad name is a programming error
	}
	return sub
}

// SchemaRoles are the database roles a schema's migrations deal in besides its service's own
// (internal/migrate creates them and grants them).
type SchemaRoles struct {
	// Publishes names the roles that carry the use of an interface the schema's service publishes
	// for use inside another service's transaction; the schema's migrations grant them its rights.
	Publishes []string
	// Uses names the roles of the interfaces the schema's service uses: every service records
	// Idempotency-Keys and authenticates API keys, the content services place their elements in the sequence service's
	// orders, and the scripts service imports a screenplay's characters and lines through the characters service's import.
	Uses []string
}

// Roles are the roles of each schema.
var Roles = map[string]SchemaRoles{
	"idempotency": {},
	"auth":        {},
	"sequence":    {Publishes: []string{"fountain_placement"}, Uses: []string{"fountain_idempotency", "fountain_auth"}},
	"scripts":     {Uses: []string{"fountain_idempotency", "fountain_auth", "fountain_placement", "fountain_character_import"}},
	"characters":  {Publishes: []string{"fountain_character_import"}, Uses: []string{"fountain_idempotency", "fountain_auth", "fountain_placement"}},
	"sessions":    {Uses: []string{"fountain_idempotency", "fountain_auth"}},
	"logs":        {Uses: []string{"fountain_idempotency", "fountain_auth"}},
}
