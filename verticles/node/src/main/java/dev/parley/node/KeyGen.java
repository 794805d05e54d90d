package dev.parley.node;

import dev.parley.shared.auth.JwtKeyGenerator;

import java.nio.file.Path;

/**
 * {@code java -cp parley-node.jar dev.parley.node.KeyGen DIR}: writes a new ES256 access-token key pair into DIR
 * and prints its key id. Rotation: generate, point {@code auth.signingKeyId} at the new id, restart api nodes,
 * delete the old pair after one token lifetime.
 */
public final class KeyGen {
  private KeyGen() {
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: KeyGen DIR");
      System.exit(2);
    }
    System.out.println(JwtKeyGenerator.generate(Path.of(args[0]), java.time.Clock.systemUTC()));
  }
}
