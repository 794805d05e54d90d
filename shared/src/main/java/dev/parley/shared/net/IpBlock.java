package dev.parley.shared.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * An IP address or CIDR block ({@code 10.0.0.0/8}, {@code 192.168.1.7}, {@code ::1}, {@code fd00::/8}), parsed from
 * literals only: a host name is never resolved (a DNS lookup per request, or a spoofable name, would defeat the
 * point of a trusted-proxy list).
 */
public final class IpBlock {
  private static final String V4 = "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}";
  private static final String V6 = "[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*";

  private final byte[] network;
  private final int prefix;

  private IpBlock(byte[] network, int prefix) {
    this.network = network;
    this.prefix = prefix;
  }

  public static boolean isValid(String text) {
    return parse(text).isPresent();
  }

  /** The block, or empty when {@code text} is not an address literal with an optional in-range prefix length. */
  public static Optional<IpBlock> parse(String text) {
    int slash = text.indexOf('/');
    String addr = slash < 0 ? text : text.substring(0, slash);
    Optional<byte[]> bytes = literal(addr);
    if (bytes.isEmpty()) {
      return Optional.empty();
    }
    int bits = bytes.get().length * 8;
    int prefix = bits;
    if (slash >= 0) {
      String p = text.substring(slash + 1);
      if (!p.matches("\\d{1,3}") || Integer.parseInt(p) > bits) {
        return Optional.empty();
      }
      prefix = Integer.parseInt(p);
    }
    return Optional.of(new IpBlock(bytes.get(), prefix));
  }

  /** The address bytes of an IPv4 or IPv6 literal (IPv4-mapped IPv6 comes back as IPv4), never resolving a name. */
  public static Optional<byte[]> literal(String addr) {
    String a = addr.startsWith("[") && addr.endsWith("]") ? addr.substring(1, addr.length() - 1) : addr;
    if (!a.matches(V4) && !a.matches(V6)) {
      return Optional.empty();
    }
    try {
      return Optional.of(InetAddress.getByName(a).getAddress());
    } catch (UnknownHostException | SecurityException e) {
      return Optional.empty();
    }
  }

  public boolean contains(byte[] address) {
    if (address.length != network.length) {
      return false;
    }
    int full = prefix / 8;
    for (int i = 0; i < full; i++) {
      if (address[i] != network[i]) {
        return false;
      }
    }
    int rest = prefix % 8;
    if (rest == 0) {
      return true;
    }
    int mask = 0xFF << (8 - rest) & 0xFF;
    return (address[full] & mask) == (network[full] & mask);
  }
}
