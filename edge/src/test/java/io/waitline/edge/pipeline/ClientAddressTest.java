package io.waitline.edge.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Behind trusted proxies the client is the right-most X-Forwarded-For entry that is not a trusted proxy; anything
 * else (an untrusted peer, a header that cannot be read) leaves the TCP peer as the client.
 */
class ClientAddressTest {
  private static final ClientAddress BEHIND_LB = ClientAddress.trusting("10.0.0.0/8, 192.168.1.7, fd00::/8");

  @Test
  void withNoTrustedProxiesTheHeaderIsIgnored() {
    assertThat(ClientAddress.TCP_PEER.resolve("10.0.0.5", List.of("203.0.113.9"))).isEqualTo("10.0.0.5");
    assertThat(ClientAddress.trusting(null).resolve("10.0.0.5", List.of("203.0.113.9"))).isEqualTo("10.0.0.5");
    assertThat(ClientAddress.trusting("  ").resolve("10.0.0.5", List.of("203.0.113.9"))).isEqualTo("10.0.0.5");
  }

  @Test
  void aHeaderFromAnUntrustedPeerIsIgnored() {
    assertThat(BEHIND_LB.resolve("198.51.100.4", List.of("203.0.113.9"))).isEqualTo("198.51.100.4");
    assertThat(BEHIND_LB.resolve("192.168.1.8", List.of("203.0.113.9"))).isEqualTo("192.168.1.8");
    assertThat(BEHIND_LB.resolve("2001:db8:0:0:0:0:0:1", List.of("203.0.113.9"))).isEqualTo("2001:db8:0:0:0:0:0:1");
  }

  @Test
  void aTrustedPeerForwardsTheAddressItSaw() {
    assertThat(BEHIND_LB.resolve("10.0.0.5", List.of("203.0.113.9"))).isEqualTo("203.0.113.9");
    assertThat(BEHIND_LB.resolve("192.168.1.7", List.of("203.0.113.9"))).isEqualTo("203.0.113.9");
    assertThat(BEHIND_LB.resolve("10.0.0.5", List.of())).as("no header").isEqualTo("10.0.0.5");
  }

  @Test
  void theLeftMostEntriesWrittenByTheClientAreNeverBelieved() {
    // the client sent "X-Forwarded-For: 1.1.1.1, 10.0.0.9"; the proxy appended the address it saw
    assertThat(BEHIND_LB.resolve("10.0.0.5", List.of("1.1.1.1, 10.0.0.9, 203.0.113.9"))).isEqualTo("203.0.113.9");
    // a garbled client-written part left of the real address does not matter either
    assertThat(BEHIND_LB.resolve("10.0.0.5", List.of("not-an-ip, 203.0.113.9"))).isEqualTo("203.0.113.9");
  }

  @Test
  void aChainOfTrustedProxiesIsWalkedFromTheRight() {
    assertThat(BEHIND_LB.resolve("10.0.0.5", List.of("203.0.113.9, 192.168.1.7, 10.20.30.40")))
        .isEqualTo("203.0.113.9");
    // several headers are one list, in the order received
    assertThat(BEHIND_LB.resolve("10.0.0.5", List.of("198.51.100.1, 203.0.113.9", "10.1.1.1")))
        .isEqualTo("203.0.113.9");
    // every hop a trusted proxy: the request started at the first of them
    assertThat(BEHIND_LB.resolve("10.0.0.5", List.of("10.9.9.9, 10.8.8.8"))).isEqualTo("10.9.9.9");
  }

  @Test
  void ipv6RangesMatchIpv6AddressesOnly() {
    ClientAddress v6 = ClientAddress.trusting("2001:db8:abcd::/48");
    assertThat(v6.resolve("2001:db8:abcd:12:0:0:0:1", List.of("2001:db8:ffff::7")))
        .isEqualTo("2001:db8:ffff:0:0:0:0:7");
    assertThat(v6.resolve("2001:db8:abce:0:0:0:0:1", List.of("2001:db8:ffff::7"))).as("outside the /48")
        .isEqualTo("2001:db8:abce:0:0:0:0:1");
    assertThat(v6.resolve("10.0.0.5", List.of("203.0.113.9"))).as("an IPv4 peer").isEqualTo("10.0.0.5");
    assertThat(BEHIND_LB.resolve("fd12:3456::1", List.of("2001:db8::42"))).isEqualTo("2001:db8:0:0:0:0:0:42");
  }

  @Test
  void prefixesCountBitsNotBytes() {
    ClientAddress slash20 = ClientAddress.trusting("172.16.16.0/20");
    assertThat(slash20.resolve("172.16.31.255", List.of("203.0.113.9"))).isEqualTo("203.0.113.9");
    assertThat(slash20.resolve("172.16.32.0", List.of("203.0.113.9"))).isEqualTo("172.16.32.0");
    assertThat(slash20.resolve("172.16.15.255", List.of("203.0.113.9"))).isEqualTo("172.16.15.255");
    assertThat(ClientAddress.trusting("0.0.0.0/0").resolve("8.8.8.8", List.of("203.0.113.9")))
        .isEqualTo("203.0.113.9");
  }

  @Test
  void aForwardedEntryThatIsNotAnAddressFallsBackToThePeer() {
    for (String header : List.of("", "unknown", "203.0.113.9:4711", "203.0.113.256", "203.0.113", "example.org",
        "203.0.113.9,", "fe80::1%eth0", "2001:db8::zz", "[2001:db8::1]")) {
      assertThat(BEHIND_LB.resolve("10.0.0.5", List.of(header))).as("X-Forwarded-For: %s", header)
          .isEqualTo("10.0.0.5");
    }
  }

  @Test
  void proxiesThatAreNotAddressesOrRangesAreRefusedNamingTheEntry() {
    assertThatThrownBy(() -> ClientAddress.trusting("10.0.0.1, proxy.internal"))
        .hasMessageContaining("'proxy.internal'").hasMessageContaining("host names");
    assertThatThrownBy(() -> ClientAddress.trusting("10.0.0.0/33")).hasMessageContaining("'10.0.0.0/33'")
        .hasMessageContaining("0 to 32");
    assertThatThrownBy(() -> ClientAddress.trusting("2001:db8::/129")).hasMessageContaining("0 to 128");
    assertThatThrownBy(() -> ClientAddress.trusting("10.0.0.0/")).hasMessageContaining("'10.0.0.0/'");
    assertThatThrownBy(() -> ClientAddress.trusting("10.0.0.0/8/8")).hasMessageContaining("'10.0.0.0/8/8'");
  }
}
