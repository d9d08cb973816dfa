# Spiegel in a container: one static-ish binary on a distroless base, the
# SQLite file on the volume /data, configured by environment (see the README's
# table of `serve`'s variables). Build and first run:
#
#   docker build -t spiegel .
#   docker run --rm -v spiegel-data:/data spiegel init --org "Zorggroep De Linde" \
#       --tz Europe/Amsterdam --base-url https://spiegel.example.nl
#   docker run -d --name spiegel -v spiegel-data:/data -p 127.0.0.1:8080:8080 \
#       -e SPIEGEL_BASE_URL=https://spiegel.example.nl spiegel
#
# Other commands run the same way: `docker exec spiegel spiegel backup
# /data/backup-2026-04-16.db`. See docs/operations.md.

FROM rust:1.95-bookworm AS build
WORKDIR /src
# Only what the binary is built from (see .dockerignore): the manifests, the
# code, and the files it embeds. The benches are listed in Cargo.toml, so
# cargo wants them present.
COPY Cargo.toml Cargo.lock ./
COPY src src
COPY benches benches
COPY static static
COPY surveys surveys
COPY docs/openapi.json docs/openapi.json
RUN cargo build --release --locked --bin spiegel \
    && install -D -m 0755 target/release/spiegel /out/spiegel \
    && install -d -m 0700 /out/data

# glibc and libgcc only (rusqlite bundles SQLite; time zones are compiled in);
# no shell, no package manager; runs as the image's user nonroot (65532).
FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /out/spiegel /usr/local/bin/spiegel
COPY --from=build --chown=65532:65532 /out/data /data
ENV SPIEGEL_DB=/data/spiegel.db \
    SPIEGEL_ADDR=0.0.0.0:8080
VOLUME ["/data"]
USER 65532:65532
EXPOSE 8080
# `spiegel healthcheck` asks GET /healthz at SPIEGEL_ADDR (0.0.0.0 on loopback).
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
    CMD ["/usr/local/bin/spiegel", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/spiegel"]
CMD ["serve"]
