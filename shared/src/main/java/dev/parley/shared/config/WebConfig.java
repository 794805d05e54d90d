package dev.parley.shared.config;

import java.util.List;

/**
 * The browser client (docs/web.md), served by the api role at {@code /} when {@code root} names the directory of
 * its built files ({@code web/dist}); empty turns it off. {@code connectSrc} lists the origins, besides the app's
 * own, that its Content-Security-Policy lets it connect to: the gateways' WebSocket origins.
 */
public record WebConfig(String root, List<String> connectSrc) {

  static WebConfig from(ConfigReader r) {
    List<String> connectSrc = r.stringList("web.connectSrc");
    for (int i = 0; i < connectSrc.size(); i++) {
      // Exactly a scheme, host and optional port: anything else could smuggle another CSP directive in.
      if (!connectSrc.get(i).matches("(wss?|https?)://[A-Za-z0-9.-]+(:\\d{1,5})?")) {
        throw ConfigReader.invalid("web.connectSrc", "origins such as ws://127.0.0.1:8091 (scheme://host[:port])",
            connectSrc.get(i));
      }
    }
    return new WebConfig(r.optionalString("web.root"), connectSrc);
  }

  public boolean enabled() {
    return !root.isBlank();
  }
}
