package io.waitline.load;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProcessCpuTest {
  @Test
  void cpuTimeIsUserPlusSystemTicksAndTheSystemPartReadAfterTheCommandEvenWhenItHoldsParenthesesAndSpaces() {
    // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime …
    String stat = "4242 (java (bench) x) S 1 4242 4242 0 -1 4194560 9 0 0 0 150 25 7 3 20 0 41 0 100";

    assertThat(ProcessCpu.fromStat(stat)).isEqualTo(new ProcessCpu.Times(1750, 250));
  }
}
