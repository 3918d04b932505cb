// Package migrations embeds every service's SQL migrations, one directory per service schema. sqlc
// reads the same files to type the queries.
package migrations

import "embed"

// FS holds <service>/<NNNNN>_<name>.sql for every service.
//
//go:embed */*.sql
var FS embed.FS
