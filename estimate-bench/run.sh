#!/usr/bin/env bash
# The wait-estimate benchmark: `./run.sh` writes docs/estimates.md from unseen test days; `./run.sh tune` prints the
# grid of shared constants scored on the training days. Builds from this checkout (the reactor), not from ~/.m2.
set -euo pipefail
cd "$(dirname "$0")/.."
nice mvn -B -q -pl estimate-bench -am package -DskipTests
mvn -B -q -pl queue-core dependency:build-classpath -Dmdep.outputFile="$PWD/estimate-bench/target/queue-core.classpath"
cp=$(cat estimate-bench/target/queue-core.classpath)
cd estimate-bench
exec nice java -cp "target/classes:../queue-core/target/classes:$cp" io.waitline.bench.EstimateBenchmark "${@:-report}"
