# cutover-service: the cutover saga (no PostgreSQL tools).
# JVM image from the Quarkus fast-jar (target/quarkus-app). Build (k8s/README.md):
#   mvn -B -pl cutover-service -am package -DskipTests -Dquarkus.management.enabled=true -Dquarkus.smallrye-openapi.management.enabled=false
#   docker build -f k8s/docker/cutover-service.Dockerfile -t capydb/cutover-service:<tag> cutover-service
# Debian 12 like the machines it is tested on: Java 17 and PostgreSQL 15 from the same distribution.
FROM debian:bookworm-slim

RUN mkdir -p /usr/share/man/man1 \
 && apt-get update \
 && apt-get install -y --no-install-recommends openjdk-17-jre-headless ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 capydb \
 && useradd --system --uid 10001 --gid capydb --home-dir /deployments --shell /usr/sbin/nologin capydb

WORKDIR /deployments
# Dependencies first: they change less often than the application, so their layer is reused.
COPY --chown=10001:10001 target/quarkus-app/lib/ /deployments/lib/
COPY --chown=10001:10001 target/quarkus-app/*.jar /deployments/
COPY --chown=10001:10001 target/quarkus-app/app/ /deployments/app/
COPY --chown=10001:10001 target/quarkus-app/quarkus/ /deployments/quarkus/
# The AppCDS archive the package step wrote (quarkus.package.jar.appcds.enabled in the root pom). It names the jars
# relative to /deployments, the WORKDIR.
COPY --chown=10001:10001 target/quarkus-app/app-cds.jsa /deployments/

# Numeric, so Kubernetes' runAsNonRoot can verify it without reading /etc/passwd.
USER 10001
EXPOSE 8080
# Heap as a share of the container limit; the Deployment's ConfigMap may set its own JAVA_TOOL_OPTIONS.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=50 -XX:+ExitOnOutOfMemoryError" \
    QUARKUS_HTTP_PORT=8080 \
    QUARKUS_HTTP_HOST=0.0.0.0
# The same JVM choices as dev/stack (svc_jvm_opts: why each); the heap stays a share of the container limit, above.
# -Xshare:auto: an image whose JVM is not the one that wrote the archive starts without it.
ENTRYPOINT ["java", "-XX:+UseSerialGC", "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=30", "-XX:TieredStopAtLevel=1", \
            "-XX:ReservedCodeCacheSize=64m", "-Xss512k", "-XX:MaxMetaspaceSize=160m", \
            "-Xshare:auto", "-XX:SharedArchiveFile=/deployments/app-cds.jsa", "-jar", "/deployments/quarkus-run.jar"]
