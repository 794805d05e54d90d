package dev.parley.archcheck;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.fields;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The import rules of docs/architecture.md, on every module's compiled main classes (tests excluded): the build
 * fails when a role reaches into another role, the server into the client library, a feature into {@code shared},
 * or server code into the protocol module.
 */
class ImportRulesTest {
  static final String[] SERVER = {"dev.parley.shared..", "dev.parley.chatstate..", "dev.parley.stores..", "dev.parley.api..",
      "dev.parley.gateway..", "dev.parley.message..", "dev.parley.presence..", "dev.parley.discovery..",
      "dev.parley.push..", "dev.parley.node.."};

  static JavaClasses main;

  @BeforeAll
  static void importClasses() {
    main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.parley");
  }

  @Test
  @DisplayName("no server module uses the client library (shared wire formats live in protocol)")
  void serverDoesNotUseClient() {
    noClasses().that().resideInAnyPackage(SERVER).should().dependOnClassesThat().resideInAPackage("dev.parley.client..")
        .check(main);
  }

  @Test
  @DisplayName("the protocol module is plain Java plus Vert.x JSON and buffers: no server code, no client code")
  void protocolStandsAlone() {
    classes().that().resideInAPackage("dev.parley.protocol..").should().onlyDependOnClassesThat()
        .resideInAnyPackage("dev.parley.protocol..", "java..", "io.vertx.core.json..", "io.vertx.core.buffer..")
        .check(main);
  }

  @Test
  @DisplayName("shared holds infrastructure only: config, dependency clients, auth, ids, metrics, schema, addresses")
  void sharedHoldsNoFeatures() {
    // A closed list on purpose: a new package in shared is a decision to make here, not a side effect.
    classes().that().resideInAPackage("dev.parley.shared..").should().resideInAnyPackage("dev.parley.shared",
            "dev.parley.shared.auth", "dev.parley.shared.config", "dev.parley.shared.deps",
            "dev.parley.shared.discovery", "dev.parley.shared.http", "dev.parley.shared.ids",
            "dev.parley.shared.json", "dev.parley.shared.membership", "dev.parley.shared.metrics", "dev.parley.shared.net",
            "dev.parley.shared.presence", "dev.parley.shared.schema", "dev.parley.shared.session",
            "dev.parley.shared.text",
            // The SNS client factory, the worker-thread bridge of SDK calls and the push platforms: used by the api
            // (registration) and the push role (publishing); infrastructure, no push logic (issue 14).
            "dev.parley.shared.push")
        .check(main);
  }

  @Test
  @DisplayName("the libraries (shared, chatstate, stores, protocol, mls) never depend on a role")
  void librariesDoNotDependOnRoles() {
    noClasses().that().resideInAnyPackage("dev.parley.shared..", "dev.parley.chatstate..", "dev.parley.stores..",
            "dev.parley.protocol..", "dev.parley.mls..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.parley.api..", "dev.parley.gateway..",
            "dev.parley.message..", "dev.parley.presence..", "dev.parley.discovery..", "dev.parley.push..",
            "dev.parley.node..")
        .check(main);
  }

  @Test
  @DisplayName("the message role reaches no other role and not the client")
  void messageStaysInItsRole() {
    noClasses().that().resideInAPackage("dev.parley.message..").should().dependOnClassesThat()
        .resideInAnyPackage("dev.parley.api..", "dev.parley.gateway..", "dev.parley.presence..",
            "dev.parley.discovery..", "dev.parley.node..", "dev.parley.client..")
        .check(main);
  }

  @Test
  @DisplayName("the api, gateway, presence and discovery roles reach no other role (no api → message edge)")
  void rolesDoNotReachIntoEachOther() {
    for (String role : new String[] {"api", "gateway", "presence", "discovery", "push"}) {
      String[] others = java.util.stream.Stream.of("api", "gateway", "message", "presence", "discovery", "push", "node")
          .filter(r -> !r.equals(role)).map(r -> "dev.parley." + r + "..").toArray(String[]::new);
      noClasses().that().resideInAPackage("dev.parley." + role + "..").should().dependOnClassesThat()
          .resideInAnyPackage(others).check(main);
    }
  }

  @Test
  @DisplayName("server code holds no static mutable state: every static field is final")
  void noStaticMutableState() {
    fields().that().areStatic().and().areDeclaredInClassesThat().resideInAnyPackage(SERVER).should().beFinal()
        .check(main);
  }

  @Test
  @DisplayName("server code reads the wall clock only through an injected Clock, built once per process by the node")
  void clockIsInjected() {
    // The node's main verticle builds the clock of a node; KeyGen is the operator's command-line key tool.
    noClasses().that().resideInAnyPackage(SERVER).and().doNotHaveFullyQualifiedName("dev.parley.node.NodeVerticle")
        .and().doNotHaveFullyQualifiedName("dev.parley.node.KeyGen")
        .should().callMethod(java.time.Clock.class, "systemUTC")
        .orShould().callMethod(java.time.Clock.class, "systemDefaultZone")
        .orShould().callMethod(System.class, "currentTimeMillis")
        .orShould().callMethod(java.time.Instant.class, "now")
        .orShould().callMethod(java.time.OffsetDateTime.class, "now")
        .orShould().callMethod(java.time.LocalDate.class, "now")
        .check(main);
  }
}
