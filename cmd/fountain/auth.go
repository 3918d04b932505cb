package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/fountainai/fountainai/gen/authdb"
	"github.com/fountainai/fountainai/internal/auth"
	"github.com/fountainai/fountainai/internal/dbx"
)

// authConfig is how `serve` authenticates callers. Secrets come from the environment only, never
// from flags, which other users of the host can read in the process list.
type authConfig struct {
	off         bool
	issuer      string
	jwksURL     string
	audience    string
	tenantClaim string
	roleClaim   string
	hs256Secret string
	ingestKey   string
}

func (c *authConfig) flags(fs *flag.FlagSet) {
	fs.Func("auth", "on (default) or off: off serves every request as an admin of the default tenant, loopback only", func(v string) error {
		switch v {
		case "on", "true":
			c.off = false
		case "off", "false":
			c.off = true
		default:
			return fmt.Errorf("--auth is on or off, not %q", v)
		}
		return nil
	})
	c.off = env("FOUNTAIN_AUTH", "on") == "off"
	fs.StringVar(&c.issuer, "oidc-issuer", env("FOUNTAIN_OIDC_ISSUER", ""), "OpenID Connect issuer URL whose tokens are accepted")
	fs.StringVar(&c.jwksURL, "jwks-url", env("FOUNTAIN_JWKS_URL", ""), "JWKS URL to use instead of discovery")
	fs.StringVar(&c.audience, "jwt-audience", env("FOUNTAIN_JWT_AUDIENCE", "fountainai"), "audience every bearer token must name")
	fs.StringVar(&c.tenantClaim, "tenant-claim", env("FOUNTAIN_TENANT_CLAIM", "tenant"), "claim holding the tenant")
	fs.StringVar(&c.roleClaim, "role-claim", env("FOUNTAIN_ROLE_CLAIM", "role"), "claim holding the role")
	c.hs256Secret = os.Getenv("FOUNTAIN_JWT_HS256_SECRET")
	c.ingestKey = os.Getenv("FOUNTAIN_INGEST_KEY")
}

// check refuses switching authentication off on an address other hosts can reach.
func (c authConfig) check(addr string) error {
	if c.off && !loopback(addr) {
		return fmt.Errorf("--auth=off serves everyone as an admin: it is refused on %s, which other hosts can reach; listen on 127.0.0.1", addr)
	}
	return nil
}

// authenticator builds the authentication of a process listening on addr.
func (c authConfig) authenticator(ctx context.Context, addr string, pool *pgxpool.Pool) (*auth.Authenticator, error) {
	if err := c.check(addr); err != nil {
		return nil, err
	}
	if c.off {
		return auth.New(auth.Config{Disabled: true}), nil
	}
	cfg := auth.Config{Keys: auth.NewKeyStore(pool), IngestKey: c.ingestKey}
	if c.issuer != "" || c.jwksURL != "" || c.hs256Secret != "" {
		v, err := auth.NewJWTVerifier(ctx, auth.JWTConfig{
			Issuer: c.issuer, JWKSURL: c.jwksURL, HS256Secret: []byte(c.hs256Secret), Audience: c.audience,
			TenantClaim: c.tenantClaim, RoleClaim: c.roleClaim,
		})
		if err != nil {
			return nil, err
		}
		cfg.JWT = v
	}
	return auth.New(cfg), nil
}

// loopback reports whether addr listens on the loopback interface only.
func loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// adminKeyFile keeps the local admin key of a data directory.
const adminKeyFile = "admin-key"

// localAdminKey returns the admin key of the local cluster under dataDir, making it on first start:
// a newcomer gets a working credential without reading about keys first. The file is readable by
// its owner only; a key revoked or lost with the database is replaced.
func localAdminKey(ctx context.Context, pool *pgxpool.Pool, dataDir string) (string, error) {
	path := filepath.Join(dataDir, adminKeyFile)
	if b, err := os.ReadFile(path); err == nil {
		key := strings.TrimSpace(string(b))
		if _, err := auth.NewKeyStore(pool).Verify(ctx, key); err == nil {
			return key, nil
		}
	}
	_, key, err := auth.Create(ctx, pool, auth.NewKeyParams{Name: "local admin", Tenant: auth.DefaultTenant, Role: auth.Admin, CreatedBy: "fountain serve"})
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return "", err
	}
	if err := os.WriteFile(path, []byte(key+"\n"), 0o600); err != nil {
		return "", err
	}
	return key, nil
}

const keysUsage = `Usage:
  fountain keys create --name NAME --tenant TENANT --role ROLE [--expires DURATION]
  fountain keys list [--tenant TENANT]
  fountain keys revoke KEY_ID

Roles: reader, writer, admin, ingest (the gateway's and the services' credential for posting request
logs). The key is printed once by create and stored only hashed. The database is the one serve uses:
--database-url (FOUNTAIN_DATABASE_URL) or the local cluster under --data-dir (FOUNTAIN_DATA_DIR).
`

// runKeys manages API keys directly in the database: the operator's way to make the first admin
// key of a tenant, and ingest keys.
func runKeys(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, keysUsage)
		return errors.New("keys: create, list or revoke")
	}
	sub, rest := args[0], args[1:]
	fs := flag.NewFlagSet("fountain keys "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, keysUsage) }
	var cfg config
	fs.StringVar(&cfg.databaseURL, "database-url", env("FOUNTAIN_DATABASE_URL", ""), "PostgreSQL URL")
	fs.StringVar(&cfg.dataDir, "data-dir", env("FOUNTAIN_DATA_DIR", ".data"), "local cluster directory")
	name := fs.String("name", "", "what the key is for")
	tenant := fs.String("tenant", "", "the key's tenant (list: only this tenant's keys)")
	roleName := fs.String("role", "", "reader, writer, admin or ingest")
	expires := fs.Duration("expires", 0, "lifetime, e.g. 720h (default: does not expire)")
	if err := fs.Parse(rest); err != nil {
		return err
	}
	cfg.maxConns, cfg.shutdownTimeout, cfg.logLevel = 2, 30*time.Second, "warn"
	logger := newLogger(stderr, cfg.logLevel)
	ctx := context.Background()
	pool, closeDB, err := openDatabase(ctx, cfg, &shutdownBudget{timeout: cfg.shutdownTimeout}, logger)
	if err != nil {
		return err
	}
	defer closeDB()
	switch sub {
	case "create":
		role, err := auth.ParseRole(*roleName)
		if err != nil {
			return err
		}
		if *name == "" || *tenant == "" {
			return errors.New("keys create: --name and --tenant are required")
		}
		p := auth.NewKeyParams{Name: *name, Tenant: *tenant, Role: role, CreatedBy: "cli"}
		if *expires > 0 {
			at := time.Now().Add(*expires)
			p.ExpiresAt = &at
		}
		row, key, err := auth.Create(ctx, pool, p)
		if err != nil {
			return migrated(err)
		}
		fmt.Fprintf(stderr, "key %s (%s, tenant %s, role %s) made; it is shown only now:\n", row.ID, row.Name, row.Tenant, row.Role)
		fmt.Fprintln(stdout, key)
		return nil
	case "list":
		t := auth.AnyTenant
		if *tenant != "" {
			t = auth.OfTenant(*tenant)
		}
		rows, err := authdb.New(pool).KeyList(ctx, t, 0, 1<<30)
		if err != nil {
			return migrated(err)
		}
		w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "ID\tNAME\tTENANT\tROLE\tCREATED\tEXPIRES\tREVOKED")
		for _, r := range rows {
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.Name, r.Tenant, r.Role, r.CreatedAt.UTC().Format(time.RFC3339), when(r.ExpiresAt), when(r.RevokedAt))
		}
		return w.Flush()
	case "revoke":
		if fs.NArg() != 1 {
			return errors.New("keys revoke: name one key id")
		}
		if _, err := authdb.New(pool).KeyRevoke(ctx, fs.Arg(0), auth.AnyTenant); err != nil {
			if err = dbx.Interpret(err); errors.Is(err, dbx.ErrNotFound) {
				return fmt.Errorf("keys revoke: no key %s", fs.Arg(0))
			}
			return migrated(err)
		}
		fmt.Fprintf(stderr, "key %s revoked\n", fs.Arg(0))
		return nil
	}
	fmt.Fprint(stderr, keysUsage)
	return fmt.Errorf("keys: unknown subcommand %q", sub)
}

func migrated(err error) error {
	return fmt.Errorf("%w (has the database been migrated? `fountain migrate`)", err)
}

func when(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}
