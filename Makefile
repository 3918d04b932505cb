# FountainAI. `make help` lists the targets. The two a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

GO       ?= go
TOOL     := $(GO) tool -modfile=tools/go.mod
SPECTRAL := tools/node_modules/.bin/spectral
PLAYWRIGHT := e2e/browser/node_modules/playwright-core/package.json
# The TypeScript SDK's pinned tools (openapi-typescript, tsc); installed by npm ci from its lock file.
SDK_TS   := sdk/typescript/node_modules/.bin/openapi-typescript
# fountain-js, the second Fountain parser internal/fountain is compared with; pinned by its lock file.
FOUNTAIN_JS := internal/fountain/fountainjs/node_modules/fountain-js/package.json
SPECS    := $(wildcard api/*.yaml)

.PHONY: help
help: ## Show this help.
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[36m%-10s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: run
run: postgres ## Run every service in one process on 127.0.0.1:8080 (local PostgreSQL under ./.data).
	$(GO) run ./cmd/fountain serve

# The race detector needs cgo: CGO_ENABLED not 0 (go env says 0 by itself when it finds no C
# compiler) and the C compiler go would call. Without them the tests run without it, built with
# CGO_ENABLED=0, which needs no C compiler at all.
RACE = $(shell cc="$$($(GO) env CC)"; [ "$$($(GO) env CGO_ENABLED)" = 1 ] && command -v "$${cc%% *}" >/dev/null && echo -race)

.PHONY: test
test: postgres prometheus browser poppler cloud-init $(SDK_TS) $(FOUNTAIN_JS) ## Run all tests (and the fuzz seed corpus) against a throwaway PostgreSQL, with -race where cgo works.
	$(if $(RACE),,@echo "make test: without the race detector, which needs cgo: no C compiler found or CGO_ENABLED=0 (apt-get install gcc adds it)")
	$(if $(RACE),,CGO_ENABLED=0) $(GO) run ./cmd/withpg -- $(GO) test $(RACE) -count=1 -timeout 30m ./...

# The committed kong/kong.yml allows no browser origin, whatever FOUNTAIN_CORS_ORIGINS the shell has.
.PHONY: generate
generate: $(SDK_TS) ## Regenerate gen/ from api/*.yaml (oapi-codegen) and queries/ (sqlc), kong/kong.yml and the SDKs (sdk/) from the specs.
	@for cfg in tools/oapi-codegen/*.yaml; do echo "oapi-codegen $$cfg"; $(TOOL) oapi-codegen -config $$cfg api/$$(basename $$cfg); done
	@for cfg in tools/oapi-codegen/sdk/*.yaml; do echo "oapi-codegen $$cfg"; $(TOOL) oapi-codegen -config $$cfg api/$$(basename $$cfg); done
	@for spec in $(SPECS); do \
		(cd sdk/typescript && npx --no-install openapi-typescript ../../$$spec --output src/generated/$$(basename $$spec .yaml).ts); done
	cd tools && $(GO) tool sqlc generate -f sqlc.yaml
	FOUNTAIN_CORS_ORIGINS= $(GO) run ./cmd/fountain kong --out kong/kong.yml
	FOUNTAIN_CORS_ORIGINS= $(GO) run ./cmd/fountain kong --out deploy/helm/fountainai/files/kong.yml

.PHONY: verify
verify: generate lint compat ## Fail if gen/, kong/kong.yml or sdk/ is stale, a spec is invalid, unlinted or breaks a contract, or Go code or a workflow is unvetted.
	@if [ -n "$$(git status --porcelain -- gen kong sdk deploy/helm/fountainai/files/kong.yml)" ]; then \
		echo "gen/, kong/, sdk/ or the chart's kong.yml is stale: run 'make generate' and commit the result"; git status --porcelain -- gen kong sdk deploy/helm/fountainai/files/kong.yml; git diff --stat -- gen kong sdk deploy/helm/fountainai/files/kong.yml; exit 1; fi
	$(GO) test -count=1 ./api/

# oasdiff (pinned in tools/oasdiff/go.mod, apart from tools/go.mod whose other tools need older
# versions of its dependencies) compares each spec with the published v2 contract, allowing only the
# departures api/contract/v2-accepted.yaml lists with a reason, and with the last release tag, if any.
.PHONY: compat
compat: ## Fail on a breaking change to the v2 contract not accepted with a reason, or to the last release without a major version.
	$(GO) run ./cmd/compat

.PHONY: lint
lint: lint-go lint-spec lint-workflows ## Lint Go code, the specs and the GitHub workflows.

.PHONY: lint-go
lint-go:
	@bad=$$(gofmt -l $$(git ls-files '*.go' | grep -v '^gen/')); if [ -n "$$bad" ]; then echo "gofmt needed: $$bad"; exit 1; fi
	$(GO) vet ./...
	cd sdk/go && $(GO) vet ./...

.PHONY: lint-spec
lint-spec: $(SPECTRAL) ## Lint api/*.yaml with Spectral and the committed ruleset (.spectral.yaml).
	$(SPECTRAL) lint --ruleset .spectral.yaml --fail-severity warn --display-only-failures $(SPECS)

# actionlint checks .github/workflows/*.yml offline: syntax, expressions, job and step references.
.PHONY: lint-workflows
lint-workflows:
	$(TOOL) actionlint

$(SPECTRAL): tools/package.json tools/package-lock.json
	scripts/ensure-node.sh
	cd tools && npm ci --no-audit --no-fund
	@touch $@

.PHONY: browser
browser: $(PLAYWRIGHT) ## Make sure Debian's chromium and the pinned playwright-core of e2e/browser are installed.
	@scripts/ensure-chromium.sh

$(PLAYWRIGHT): e2e/browser/package.json e2e/browser/package-lock.json
	scripts/ensure-node.sh
	cd e2e/browser && npm ci --no-audit --no-fund
	@touch $@

$(SDK_TS): sdk/typescript/package.json sdk/typescript/package-lock.json
	scripts/ensure-node.sh
	cd sdk/typescript && npm ci --no-audit --no-fund
	@touch $@

$(FOUNTAIN_JS): internal/fountain/fountainjs/package.json internal/fountain/fountainjs/package-lock.json
	scripts/ensure-node.sh
	cd internal/fountain/fountainjs && npm ci --no-audit --no-fund
	@touch $@

.PHONY: bench
bench: postgres ## Load harnesses next to pgbench on the same database (see README, Benchmarks).
	$(GO) run ./bench/sequence
	$(GO) run ./bench/content
	$(GO) run ./bench/stories
	$(GO) run ./bench/logs
	$(GO) run ./bench/screenplay

.PHONY: postgres
postgres: ## Make sure PostgreSQL server binaries are installed (installs them with apt if missing).
	@scripts/ensure-postgres.sh

.PHONY: prometheus
prometheus: ## Make sure prometheus and promtool are installed (Debian's package, with apt if missing).
	@scripts/ensure-prometheus.sh

.PHONY: poppler
poppler: ## Make sure poppler-utils (pdftotext, pdfinfo) is installed: the printable script's tests read their PDFs with it.
	@scripts/ensure-poppler.sh

.PHONY: cloud-init
cloud-init: ## Make sure Debian's cloud-init is installed (never run at boot here): the Lightsail user-data is checked with its `cloud-init schema`.
	@scripts/ensure-cloud-init.sh

.PHONY: clean
clean: ## Remove the local database cluster under ./.data.
	rm -rf .data
