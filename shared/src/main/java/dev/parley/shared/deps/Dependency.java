package dev.parley.shared.deps;

/** The external services a Parley node can depend on. The wire name is what {@code /ready} reports. */
public enum Dependency {
  POSTGRES("postgres"),
  REDIS("redis"),
  CASSANDRA("cassandra"),
  KAFKA("kafka"),
  ETCD("etcd");

  private final String wireName;

  Dependency(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }
}
