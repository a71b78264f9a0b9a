package io.waitline.queue.event.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class KafkaTestBrokerTest {

  /** A CI run failed when a random id began with '-': the storage tool read it as an option and refused to format. */
  @Test
  void clusterIdsNeverStartWithADashSoTheStorageToolReadsThemAsValues() {
    assertThat(IntStream.range(0, 20_000).mapToObj(i -> KafkaTestBroker.clusterId()))
        .allSatisfy(id -> assertThat(id).hasSize(22).doesNotStartWith("-"));
  }
}
