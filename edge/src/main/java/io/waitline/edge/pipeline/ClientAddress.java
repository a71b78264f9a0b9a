package io.waitline.edge.pipeline;

import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The address a request comes from, as the rate limits, the audit log and sessions record it: the TCP peer, unless
 * that peer is a proxy Waitline trusts (WAITLINE_TRUSTED_PROXIES). Then it is the right-most {@code X-Forwarded-For}
 * entry that is not itself a trusted proxy: the entries to its left were written by the client and are never
 * believed. A header that cannot be read falls back to the peer.
 */
public final class ClientAddress {
  /** Trusts no proxy: the client is always the TCP peer. */
  public static final ClientAddress TCP_PEER = new ClientAddress(List.of());
  public static final String FORWARDED_FOR = "X-Forwarded-For";

  private static final Pattern IPV4 = Pattern.compile("(0|[1-9][0-9]{0,2})(\\.(0|[1-9][0-9]{0,2})){3}");
  /** Hex digits, colons and dots only, so that parsing it never asks DNS (no zone ids, no host names). */
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

  /** The addresses whose first {@code prefix} bits equal {@code network}'s. */
  private record Range(byte[] network, int prefix) {
    boolean contains(InetAddress address) {
      byte[] a = address.getAddress();
      if (a.length != network.length) return false; // IPv4 ranges hold IPv4 addresses only, and v6 likewise
      for (int bit = 0; bit < prefix; bit += 8) {
        int mask = 0xff << (8 - Math.min(8, prefix - bit)) & 0xff;
        if ((a[bit / 8] & mask) != (network[bit / 8] & mask)) return false;
      }
      return true;
    }
  }

  private final List<Range> trusted;

  private ClientAddress(List<Range> trusted) {
    this.trusted = trusted;
  }

  /**
   * Trusts the proxies in {@code commaSeparated}: IPv4 and IPv6 addresses and CIDR ranges such as
   * {@code 10.0.0.0/8, 2001:db8::/32}; null or blank trusts nobody. An {@link IllegalArgumentException} says which
   * entry is not an address or range.
   */
  public static ClientAddress trusting(String commaSeparated) {
    if (commaSeparated == null || commaSeparated.isBlank()) return TCP_PEER;
    List<Range> ranges = new ArrayList<>();
    for (String part : commaSeparated.split(",")) {
      String entry = part.trim();
      if (!entry.isEmpty()) ranges.add(range(entry));
    }
    return new ClientAddress(List.copyOf(ranges));
  }

  /** The client address of this request, or null when the connection has none. */
  public String of(RoutingContext rc) {
    SocketAddress peer = rc.request().remoteAddress();
    String host = peer == null ? null : peer.host();
    if (trusted.isEmpty()) return host;
    return resolve(host, rc.request().headers().getAll(FORWARDED_FOR));
  }

  /**
   * The client address of a request from {@code peer} carrying these {@code X-Forwarded-For} header values (in the
   * order received; several headers count as one list).
   */
  public String resolve(String peer, List<String> forwardedFor) {
    InetAddress peerAddress = literal(peer);
    if (peerAddress == null || !trusts(peerAddress) || forwardedFor.isEmpty()) return peer;
    List<String> hops = new ArrayList<>();
    for (String header : forwardedFor) {
      for (String hop : header.split(",", -1)) hops.add(hop.trim());
    }
    String client = peer;
    for (int i = hops.size() - 1; i >= 0; i--) {
      InetAddress hop = literal(hops.get(i));
      if (hop == null) return peer; // a trusted proxy wrote something we cannot read: do not guess
      client = hop.getHostAddress();
      if (!trusts(hop)) return client;
    }
    return client; // every hop is a trusted proxy: the request started at the first of them
  }

  /** Whether {@code host} (an IP address as text) is one of the trusted proxies, whose connections carry many clients. */
  public boolean isTrustedProxy(String host) {
    InetAddress address = literal(host);
    return address != null && trusts(address);
  }

  private boolean trusts(InetAddress address) {
    for (Range range : trusted) {
      if (range.contains(address)) return true;
    }
    return false;
  }

  private static Range range(String entry) {
    int slash = entry.indexOf('/');
    String host = slash < 0 ? entry : entry.substring(0, slash);
    InetAddress address = literal(host);
    if (address == null) {
      throw new IllegalArgumentException("'" + entry + "' is not an IP address or CIDR range (host names are not "
          + "accepted)");
    }
    int bits = address.getAddress().length * 8;
    if (slash < 0) return new Range(address.getAddress(), bits);
    String prefix = entry.substring(slash + 1);
    if (!prefix.matches("[0-9]{1,3}") || Integer.parseInt(prefix) > bits) {
      throw new IllegalArgumentException("'" + entry + "' needs a prefix length from 0 to " + bits + " after the /");
    }
    return new Range(address.getAddress(), Integer.parseInt(prefix));
  }

  /** The IPv4 or IPv6 address written in {@code text}, or null when it is not one. */
  private static InetAddress literal(String text) {
    if (text == null) return null;
    try {
      if (IPV4.matcher(text).matches()) {
        String[] octets = text.split("\\.");
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
          int octet = Integer.parseInt(octets[i]);
          if (octet > 255) return null;
          bytes[i] = (byte) octet;
        }
        return InetAddress.getByAddress(bytes);
      }
      return IPV6.matcher(text).matches() ? InetAddress.getByName(text) : null;
    } catch (UnknownHostException notAnAddress) {
      return null;
    }
  }
}
