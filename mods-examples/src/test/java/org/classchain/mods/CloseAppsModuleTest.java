package org.classchain.mods;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.classchain.spi.ArgumentSpec;
import org.classchain.spi.Outcome;
import org.classchain.spi.host.DesktopService;
import org.classchain.spi.host.ProcessService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class CloseAppsModuleTest {

    private final CloseAppsModule module = new CloseAppsModule();

    private Outcome run(FakeProcesses processes, Map<String, String> args) throws InterruptedException {
        return module.execute(new TestContext().with(ProcessService.class, processes), TestContext.command("close-apps", args));
    }

    @Test
    void argumentTypesAreCheckedBeforeMining() {
        assertThat(ArgumentSpec.problems(module.arguments(), Map.of())).isEmpty();
        assertThat(ArgumentSpec.problems(module.arguments(), Map.of("grace", "soon")))
                .anyMatch(p -> p.contains("'grace' is not a whole number"));
        assertThat(ArgumentSpec.problems(module.arguments(), Map.of("names", "firefox", "signal", "9")))
                .anyMatch(p -> p.contains("unknown argument 'signal'"));
    }

    @Test
    void badNamesAndGraceFailWithoutEndingAnything() throws InterruptedException {
        FakeProcesses processes = new FakeProcesses().run(10, "firefox");
        assertThat(run(processes, Map.of("names", "/usr/bin/firefox")).detail()).contains("without folders");
        assertThat(run(processes, Map.of("names", "C:\\x\\firefox.exe")).detail()).contains("without folders");
        assertThat(run(processes, Map.of("names", " , ,")).detail()).contains("names no program");
        assertThat(run(processes, Map.of("names", "x".repeat(101))).detail()).contains("longer than 100");
        assertThat(run(processes, Map.of("grace", "21")).detail()).contains("between 0 and 20");
        assertThat(run(processes, Map.of("grace", "-1")).success()).isFalse();
        assertThat(processes.ended).isEmpty();
        assertThat(processes.isAlive(10)).isTrue();
    }

    @Test
    void byDefaultEndsTheBrowsersOfEverySystemAndNothingElse() throws InterruptedException {
        FakeProcesses processes = new FakeProcesses()
                .run(10, "firefox").run(11, "chrome").run(12, "chrome").run(13, "msedge.exe")
                .run(14, "Google Chrome").run(15, "Safari").run(16, "bash").run(17, "libreoffice").run(18, "java");

        Outcome o = run(processes, Map.of());

        assertThat(o.success()).isTrue();
        assertThat(o.detail()).isEqualTo(
                "closed firefox (pid 10), chrome (pids 11, 12), msedge.exe (pid 13), Google Chrome (pid 14), Safari (pid 15)");
        assertThat(processes.ended).containsExactly(10L, 11L, 12L, 13L, 14L, 15L);
        assertThat(processes.killed).isEmpty();
        assertThat(processes.processes()).extracting(ProcessService.RunningProcess::command)
                .containsExactly("bash", "libreoffice", "java");
    }

    @Test
    void namesMatchIgnoringCaseAndExe() throws InterruptedException {
        FakeProcesses processes = new FakeProcesses().run(20, "GAME.EXE").run(21, "game").run(22, "gamer");
        Outcome o = run(processes, Map.of("names", "Game"));
        assertThat(o.detail()).isEqualTo("closed GAME.EXE (pid 20), game (pid 21)");
        assertThat(processes.isAlive(22)).isTrue();
    }

    @Test
    void whatIgnoresTheRequestIsEndedForciblyAfterTheGracePeriod() throws InterruptedException {
        FakeProcesses processes = new FakeProcesses().run(30, "firefox").run(31, "firefox");
        processes.ignoreEnd.add(31L);

        Outcome o = run(processes, Map.of("names", "firefox", "grace", "1"));

        assertThat(o.success()).isTrue();
        assertThat(o.detail()).isEqualTo("closed firefox (pid 30); forced after 1 s: firefox (pid 31)");
        assertThat(processes.killed).containsExactly(31L);
        assertThat(processes.processes()).isEmpty();
    }

    @Test
    void whatSurvivesEvenTheForcedEndFails() throws InterruptedException {
        FakeProcesses processes = new FakeProcesses().run(40, "firefox");
        processes.ignoreEnd.add(40L);
        processes.ignoreKill.add(40L);

        Outcome o = run(processes, Map.of("names", "firefox", "grace", "0"));

        assertThat(o.success()).isFalse();
        assertThat(o.detail()).contains("still running: firefox (pid 40)");
    }

    @Test
    void nothingToCloseIsNoFailure() throws InterruptedException {
        Outcome o = run(new FakeProcesses().run(1, "bash"), Map.of("names", "firefox,chrome"));
        assertThat(o.success()).isTrue();
        assertThat(o.detail()).isEqualTo("nothing to close: no program of this user named firefox, chrome");
    }

    @Test
    void headlessItWorksTheSame() throws InterruptedException {
        FakeProcesses processes = new FakeProcesses().run(50, "firefox");
        TestContext context = new TestContext().with(ProcessService.class, processes)
                .with(DesktopService.class, FakeDesktop.headless());
        Outcome o = module.execute(context, TestContext.command("close-apps", Map.of()));
        assertThat(o.detail()).isEqualTo("closed firefox (pid 50)");
    }

    @Test
    void theDefaultListCoversLinuxWindowsAndMacBrowsers() throws Exception {
        assertThat(CloseAppsModule.names(module.argument(TestContext.command("close-apps", Map.of()), "names")))
                .contains("firefox", "chrome", "chromium", "google-chrome", "msedge", "brave", "opera", "safari",
                        "google chrome", "microsoft edge", "iexplore");
        assertThatThrownBy(() -> CloseAppsModule.names("a/b")).isInstanceOf(Arguments.Invalid.class);
    }
}
