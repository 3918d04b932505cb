// Package auth establishes who is calling: a bearer JWT (from the operator's OpenID Connect provider,
// or signed with a shared HS256 secret), an API key, or the ingest credential of the gateway and the
// services. Each request's identity names a subject, a tenant and a role; the tenant bounds every
// resource a request can see, the role what it may do. Which operations need which role is read
// from the specs (Requirement), so enforcement happens in one middleware, not in handlers.
package auth

import (
	"context"
	"fmt"
)

// Role is what a caller may do. reader < writer < admin; ingest is apart: it may only post request
// logs, and is held by the gateway and the services, never by a person.
type Role string

const (
	Reader Role = "reader"
	Writer Role = "writer"
	Admin  Role = "admin"
	Ingest Role = "ingest"
)

// ParseRole returns the role named s.
func ParseRole(s string) (Role, error) {
	switch r := Role(s); r {
	case Reader, Writer, Admin, Ingest:
		return r, nil
	}
	return "", fmt.Errorf("unknown role %q (reader, writer, admin or ingest)", s)
}

var rank = map[Role]int{Reader: 1, Writer: 2, Admin: 3}

// Allows reports whether a caller with role r may use an operation that needs role need.
func (r Role) Allows(need Role) bool {
	if need == Ingest || r == Ingest {
		return r == need
	}
	return rank[r] >= rank[need]
}

// DefaultTenant holds what existed before tenants did, and is the tenant of every caller when
// authentication is switched off.
const DefaultTenant = "default"

// Identity is who a request acts for.
type Identity struct {
	// Subject names the caller: the token's subject, or "key:<id>" for an API key.
	Subject string
	Tenant  string
	Role    Role
}

type ctxKey struct{}

// WithIdentity returns ctx acting for id. Calls a service makes to another in the same process carry
// their context, hence the identity, along.
func WithIdentity(ctx context.Context, id Identity) context.Context {
	return context.WithValue(ctx, ctxKey{}, id)
}

// From returns the identity ctx acts for.
func From(ctx context.Context) (Identity, bool) {
	id, ok := ctx.Value(ctxKey{}).(Identity)
	return id, ok
}

// Tenant is the tenant of the request ctx belongs to: every row a handler reads or writes is that
// tenant's. Work outside a request (none authenticated) is the default tenant's.
func Tenant(ctx context.Context) string {
	if id, ok := From(ctx); ok {
		return id.Tenant
	}
	return DefaultTenant
}
