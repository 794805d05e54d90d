package dev.parley.api.web;

import dev.parley.shared.config.WebConfig;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.MimeMapping;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Serves the built browser client (web/dist, docs/web.md) on the api's own origin: {@code GET /} is its
 * {@code index.html}, {@code GET /assets/<name>} one of its content-hashed files. Same origin as the REST API, so
 * the app needs no CORS; its Content-Security-Policy lets it load code only from here and connect only here and to
 * the configured gateway origins ({@code web.connectSrc}). Nothing else under the root is reachable: an asset name
 * is one plain file name (no separator, no "..").
 */
public final class WebApp {
  private static final Pattern ASSET = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}");
  private final String csp;
  private final Path root;

  public WebApp(WebConfig config) {
    this.csp = contentSecurityPolicy(config);
    this.root = Path.of(config.root()).toAbsolutePath().normalize();
  }

  /** Routes added after the REST routes: they never shadow an API path. */
  public void mount(Router router) {
    router.get("/").handler(ctx -> send(ctx, root.resolve("index.html"), "no-store"));
    router.get("/assets/:name").handler(ctx -> {
      String name = ctx.pathParam("name");
      if (!ASSET.matcher(name).matches() || name.contains("..")) {
        ctx.next();
        return;
      }
      // File names carry a content hash (Vite): a changed file is a new name, so the old one may be kept for good.
      send(ctx, root.resolve("assets").resolve(name), "public, max-age=31536000, immutable");
    });
  }

  private void send(RoutingContext ctx, Path file, String cacheControl) {
    String type = MimeMapping.mimeTypeForFilename(file.getFileName().toString());
    HttpServerResponse response = ctx.response();
    response.putHeader("content-security-policy", csp).putHeader("referrer-policy", "no-referrer")
        .putHeader("x-frame-options", "DENY").putHeader("cache-control", cacheControl)
        .putHeader("content-type", (type == null ? "application/octet-stream" : type)
            + (type != null && (type.startsWith("text/") || type.endsWith("javascript")) ? "; charset=utf-8" : ""));
    ctx.vertx().fileSystem().exists(file.toString()).onComplete(found -> {
      if (found.succeeded() && found.result()) {
        response.sendFile(file.toString()).onFailure(ctx::fail);
      } else {
        response.headers().remove("content-type").remove("cache-control").set("cache-control", "no-store");
        ctx.next();
      }
    });
  }

  /** Public for the unit test: the exact policy the app runs under. */
  public static String contentSecurityPolicy(WebConfig config) {
    return "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob:; font-src 'self'; "
        + "connect-src 'self' " + String.join(" ", config.connectSrc()) + "; "
        + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'; object-src 'none'";
  }
}
