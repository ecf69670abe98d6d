package dev.cairn.machine;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The kernel's shape: the engine knows neither processes, SQL nor HTTP (those live at the edges:
 * the {@code exec} package, the stores, the server), and time and randomness only come through the
 * ports of {@code dev.cairn.machine.time}.
 */
@AnalyzeClasses(packages = "dev.cairn.machine", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    static final String ENGINE = "dev.cairn.machine.runtime..";

    @ArchTest
    static final ArchRule engineDoesNotHandleProcesses = noClasses()
            .that()
            .resideInAPackage(ENGINE)
            .should()
            .dependOnClassesThat()
            .haveNameMatching("java\\.lang\\.Process(Builder|Handle)?(\\$.*)?")
            .because("process handling stays in dev.cairn.machine.exec");

    @ArchTest
    static final ArchRule engineDoesNotTalkSqlOrHttp = noClasses()
            .that()
            .resideInAPackage(ENGINE)
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("java.sql..", "javax.sql..", "java.net..", "java.net.http..")
            .because("the kernel never depends on SQL or HTTP (ARCHITECTURE.md)");

    @ArchTest
    static final ArchRule engineDoesNotDependOnTheExecEdge = noClasses()
            .that()
            .resideInAPackage(ENGINE)
            .should()
            .dependOnClassesThat()
            .resideInAPackage("dev.cairn.machine.exec..");

    @ArchTest
    static final ArchRule ioDoesNotDependOnTheEngine = noClasses()
            .that()
            .resideInAPackage("dev.cairn.machine.runtime.io..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("dev.cairn.machine.runtime")
            .because("IO providers are usable on their own; the engine wires them");

    @ArchTest
    static final ArchRule timeAndRandomnessOnlyThroughThePorts = noClasses()
            .that()
            .resideInAPackage("dev.cairn.machine..")
            .and()
            .resideOutsideOfPackage("dev.cairn.machine.time..")
            .should()
            .callMethod(System.class, "currentTimeMillis")
            .orShould()
            .callMethod(java.time.Instant.class, "now")
            .orShould()
            .callMethod(java.util.UUID.class, "randomUUID")
            .orShould()
            .callMethod(java.time.LocalDateTime.class, "now")
            .orShould()
            .callMethod(java.time.Clock.class, "systemUTC")
            .because("time and randomness are ports (Clock, Sleeper, Entropy), so tests and replay control them");
}
