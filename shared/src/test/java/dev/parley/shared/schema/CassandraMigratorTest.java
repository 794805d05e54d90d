package dev.parley.shared.schema;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CassandraMigratorTest {

  @Test
  @DisplayName("a CQL file splits into statements at line-ending semicolons, comments dropped")
  void splitsStatements() {
    String text = "-- header; with a semicolon\nCREATE TABLE a (\n  x int PRIMARY KEY\n);\n\nCREATE TABLE b (y int PRIMARY KEY);\n";
    assertThat(CassandraMigrator.statements(text))
        .containsExactly("CREATE TABLE a (\n  x int PRIMARY KEY\n)", "CREATE TABLE b (y int PRIMARY KEY)");
  }

  @Test
  @DisplayName("a trailing statement without a semicolon is refused rather than silently dropped")
  void refusesUnterminated() {
    assertThatThrownBy(() -> CassandraMigrator.statements("CREATE TABLE a (x int PRIMARY KEY)"))
        .hasMessageContaining("without ';'");
  }

  @Test
  @DisplayName("versions come from the V<n>__ prefix and the shipped files are in order")
  void versions() {
    assertThat(CassandraMigrator.versionOf("V12__x.cql")).isEqualTo(12);
    for (int i = 0; i < CassandraMigrator.FILES.size(); i++) {
      assertThat(CassandraMigrator.versionOf(CassandraMigrator.FILES.get(i))).isEqualTo(i + 1);
    }
  }
}
