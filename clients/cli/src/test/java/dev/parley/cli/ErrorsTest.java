package dev.parley.cli;

import dev.parley.client.media.AttachmentCipher;
import io.vertx.core.http.UpgradeRejectedException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;

import static org.assertj.core.api.Assertions.assertThat;

class ErrorsTest {
  private static Exit exit(Throwable t) {
    return Errors.toCliError(t).exit();
  }

  @Test
  @DisplayName("API statuses map to the documented exit codes")
  void apiStatuses() {
    assertThat(exit(new ApiProblem(401, "invalid_credentials", "x"))).isEqualTo(Exit.AUTH);
    assertThat(exit(new ApiProblem(403, "not_a_member", "x"))).isEqualTo(Exit.NOT_FOUND);
    assertThat(exit(new ApiProblem(404, "user_not_found", "x"))).isEqualTo(Exit.NOT_FOUND);
    assertThat(exit(new ApiProblem(422, "weak_password", "x"))).isEqualTo(Exit.USAGE);
    assertThat(exit(new ApiProblem(409, "username_taken", "x"))).isEqualTo(Exit.OTHER);
    assertThat(exit(new ApiProblem(429, "rate_limited", "x"))).isEqualTo(Exit.UNAVAILABLE);
    assertThat(exit(new ApiProblem(503, "not_ready", "x"))).isEqualTo(Exit.UNAVAILABLE);
    assertThat(Errors.toCliError(new ApiProblem(401, "invalid_credentials", "x")).getMessage())
        .isEqualTo("wrong username or password (invalid_credentials)");
  }

  @Test
  @DisplayName("network failures are 5; the client library's refusals keep their meaning; messages are one line")
  void othersMapped() {
    assertThat(exit(new RuntimeException(new ConnectException("Connection refused")))).isEqualTo(Exit.UNAVAILABLE);
    assertThat(exit(new UpgradeRejectedException("no", 401, null, null))).isEqualTo(Exit.AUTH);
    assertThat(exit(new IllegalStateException("history failed with HTTP 403: {}"))).isEqualTo(Exit.NOT_FOUND);
    CliError notAdmin = Errors.toCliError(new IllegalStateException("add member failed with HTTP 403: "
        + "{\"status\":403,\"code\":\"not_admin\",\"detail\":\"only admins\"}"));
    assertThat(notAdmin.exit()).isEqualTo(Exit.NOT_FOUND);
    assertThat(notAdmin.getMessage()).isEqualTo("only the group's admins can do that (not_admin)");
    assertThat(exit(new IllegalStateException("not_a_member: not a member of the channel"))).isEqualTo(Exit.NOT_FOUND);
    assertThat(exit(new IllegalStateException("payload_too_large: too big"))).isEqualTo(Exit.USAGE);
    assertThat(exit(new IOException("attachment chunk 0 failed authentication"))).isEqualTo(Exit.OTHER);
    assertThat(Errors.toCliError(new IllegalStateException("a\nb\n  c")).getMessage()).isEqualTo("a b c");
    assertThat(AttachmentCipher.CHUNK).isPositive();
  }
}
