# One image for every FountainAI service: `fountain serve <name>`, `fountain migrate` and
# `fountain kong` (docker-compose.yml). A static binary on a distroless base: no shell, no package
# manager, runs as an unprivileged user.

# The Go release line of go.mod (dockerfile_test.go checks they agree); the image tracks its
# latest patch release.
ARG GO_VERSION=1.26

# The build stage runs on the builder's own platform and cross-compiles for the image's: an arm64
# image is built without emulating arm64.
FROM --platform=$BUILDPLATFORM golang:${GO_VERSION} AS build
ARG TARGETOS TARGETARCH
# The release this image is (v1.2.3), which `fountain version` and the fountain_build_info metric
# report; without it they say "devel", as the build context has no .git to take a version from.
ARG VERSION=
WORKDIR /src
ENV CGO_ENABLED=0 GOTOOLCHAIN=local
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    GOOS=$TARGETOS GOARCH=$TARGETARCH \
    go build -trimpath -ldflags="-s -w -X main.version=${VERSION}" -o /out/usr/local/bin/fountain ./cmd/fountain \
    && mkdir -p /out/gateway

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/usr/local/bin/fountain /usr/local/bin/fountain
# Owned by the runtime user, so a named volume mounted here (gateway-config in docker-compose.yml)
# starts out writable by it.
COPY --from=build --chown=65532:65532 /out/gateway /gateway
USER 65532:65532
ENV FOUNTAIN_ADDR=:8080
EXPOSE 8080
# No shell in the image: the binary checks its own /healthz.
HEALTHCHECK --interval=10s --timeout=5s --start-period=10s --retries=3 \
    CMD ["/usr/local/bin/fountain", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/fountain"]
CMD ["serve"]
