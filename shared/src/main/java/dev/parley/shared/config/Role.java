package dev.parley.shared.config;

import dev.parley.shared.deps.Dependency;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A node's roles choose which verticles it deploys and therefore which services it must reach. The
 * dependency sets follow ARCHITECTURE.md ("Processes and verticles"); {@code /ready} checks exactly these.
 */
public enum Role {
  GATEWAY(Dependency.KAFKA, Dependency.REDIS, Dependency.ETCD, Dependency.POSTGRES),
  API(Dependency.POSTGRES, Dependency.REDIS, Dependency.CASSANDRA, Dependency.ETCD),
  MESSAGE(Dependency.KAFKA, Dependency.CASSANDRA, Dependency.REDIS, Dependency.POSTGRES),
  PRESENCE(Dependency.REDIS, Dependency.POSTGRES),
  PUSH(Dependency.KAFKA, Dependency.POSTGRES, Dependency.REDIS),
  DISCOVERY(Dependency.ETCD);

  private final Set<Dependency> dependencies;

  Role(Dependency first, Dependency... rest) {
    this.dependencies = Set.copyOf(EnumSet.of(first, rest));
  }

  public Set<Dependency> dependencies() {
    return dependencies;
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Role parse(String path, String value) {
    for (Role role : values()) {
      if (role.wireName().equals(value)) {
        return role;
      }
    }
    throw new ConfigException("config key '" + path + "' has unknown role '" + value + "'; known roles: "
        + Arrays.stream(values()).map(Role::wireName).collect(Collectors.joining(", ")));
  }

  /** Union of the dependencies of {@code roles}, in declaration order of {@link Dependency}. */
  public static Set<Dependency> dependenciesOf(Set<Role> roles) {
    EnumSet<Dependency> all = EnumSet.noneOf(Dependency.class);
    roles.forEach(r -> all.addAll(r.dependencies()));
    return all;
  }
}
