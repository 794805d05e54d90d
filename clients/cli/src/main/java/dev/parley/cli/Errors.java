package dev.parley.cli;

import dev.parley.client.media.MediaClient;
import io.vertx.core.VertxException;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.UpgradeRejectedException;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.file.NoSuchFileException;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns whatever a command failed with into one line for stderr and its documented exit code. */
public final class Errors {
  /** What a person should read for the API's most common refusals (docs/api.md codes). */
  private static final Map<String, String> HINTS = Map.ofEntries(
      Map.entry("invalid_credentials", "wrong username or password"),
      Map.entry("device_revoked", "this device was removed from the account: run 'parley login'"),
      Map.entry("invalid_token", "the session is no longer valid: run 'parley login'"),
      Map.entry("not_a_member", "you are not a member of that chat"),
      Map.entry("channel_not_found", "no such chat"),
      Map.entry("user_not_found", "no such user"),
      Map.entry("device_not_found", "no such device on your account"),
      Map.entry("media_not_found", "no such attachment, or not in a chat of yours"),
      Map.entry("not_admin", "only the group's admins can do that"));
  private static final Pattern HTTP_STATUS = Pattern.compile("HTTP (\\d{3})");
  private static final Pattern FRAME_CODE = Pattern.compile("^([a-z_]+): (.*)$");

  private Errors() {
  }

  public static CliError toCliError(Throwable t) {
    if (t instanceof CliError e) {
      return e;
    }
    if (t instanceof ApiProblem p) {
      String hint = HINTS.get(p.code());
      String line = hint != null ? hint + " (" + p.code() + ")" : p.code() + ": " + p.getMessage();
      return new CliError(Exit.forHttpStatus(p.status()), line);
    }
    if (t instanceof MediaClient.MediaException m) {
      String hint = HINTS.get(m.code());
      return new CliError(Exit.forHttpStatus(m.status()), hint != null ? hint + " (" + m.code() + ")" : m.getMessage());
    }
    if (t instanceof UpgradeRejectedException u) {
      return new CliError(Exit.forHttpStatus(u.getStatus()), "the gateway refused the connection (HTTP "
          + u.getStatus() + ")");
    }
    if (unreachable(t)) {
      return new CliError(Exit.UNAVAILABLE, "cannot reach the server: " + oneLine(t));
    }
    if (t instanceof NoSuchFileException f) {
      return CliError.usage("no such file: " + f.getFile());
    }
    if (t instanceof IOException) {
      return new CliError(Exit.OTHER, oneLine(t));
    }
    return fromClientLibrary(t);
  }

  /** clients/java reports REST failures as "… failed with HTTP 403: …" and refused sends as "code: message". */
  private static CliError fromClientLibrary(Throwable t) {
    String message = String.valueOf(t.getMessage());
    Matcher status = HTTP_STATUS.matcher(message);
    if (status.find()) {
      int brace = message.indexOf('{', status.end());
      if (brace >= 0) {
        try {
          // The problem document the client library quotes: its code says more than the status.
          io.vertx.core.json.JsonObject doc = new io.vertx.core.json.JsonObject(message.substring(brace));
          if (doc.getString("code") != null) {
            return toCliError(new ApiProblem(Integer.parseInt(status.group(1)), doc.getString("code"),
                doc.getString("detail", "")));
          }
        } catch (RuntimeException notJson) {
          // fall back to the status
        }
      }
      return new CliError(Exit.forHttpStatus(Integer.parseInt(status.group(1))), oneLine(t));
    }
    Matcher frame = FRAME_CODE.matcher(message);
    if (frame.matches()) {
      String code = frame.group(1);
      Exit exit = switch (code) {
        case "not_a_member" -> Exit.NOT_FOUND;
        case "payload_too_large", "invalid_field" -> Exit.USAGE;
        case "rate_limited", "unavailable" -> Exit.UNAVAILABLE;
        default -> Exit.OTHER;
      };
      return new CliError(exit, HINTS.getOrDefault(code, frame.group(2)) + " (" + code + ")");
    }
    return new CliError(Exit.OTHER, oneLine(t));
  }

  private static boolean unreachable(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof ConnectException || c instanceof UnknownHostException || c instanceof NoRouteToHostException
          || c instanceof HttpClosedException || c instanceof TimeoutException
          || c instanceof io.netty.channel.ConnectTimeoutException
          || (c instanceof VertxException && String.valueOf(c.getMessage()).contains("onnection"))) {
        return true;
      }
    }
    return false;
  }

  /** The message without line breaks (a stack trace or a multi-line body never reaches the terminal). */
  public static String oneLine(Throwable t) {
    String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    return m.replaceAll("\\s+", " ").trim();
  }
}
