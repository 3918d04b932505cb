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
