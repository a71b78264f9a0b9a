# syntax=docker/dockerfile:1
# Waitline server image: build the jar with Maven, run it on a Java 17 JRE as a non-root user.

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
# only the build inputs: never ./data (local database, setup code) or target/ directories
COPY pom.xml ./
COPY queue-core queue-core
COPY guard guard
COPY access access
COPY notifications notifications
COPY pms-sync pms-sync
COPY payment-gateway payment-gateway
COPY insights insights
COPY web-ui web-ui
COPY edge edge
COPY server server
COPY load-tests load-tests
COPY estimate-bench estimate-bench
RUN --mount=type=cache,target=/root/.m2 mvn -B -q package -DskipTests

FROM eclipse-temurin:17-jre
# curl for the health check; not every eclipse-temurin tag ships it
RUN apt-get update \
  && apt-get install -y --no-install-recommends curl \
  && rm -rf /var/lib/apt/lists/* \
  && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin waitline \
  && mkdir -p /app/data \
  && chown waitline /app/data
WORKDIR /app
COPY --from=build /src/server/target/waitline.jar /app/waitline.jar
USER waitline
ENV WAITLINE_DATA_DIR=/app/data \
    JDK_JAVA_OPTIONS="-XX:MaxRAMPercentage=75 -XX:-DontCompileHugeMethods"
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD curl -fsS "http://127.0.0.1:${WAITLINE_HTTP_PORT:-8080}/health/ready" > /dev/null || exit 1
ENTRYPOINT ["java", "-jar", "/app/waitline.jar"]
