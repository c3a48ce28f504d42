package org.classchain.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.classchain.core.testing.Await;
import org.classchain.spi.host.ProcessService;
import org.classchain.spi.host.ProcessService.RunningProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * close-apps under the system service: the students' processes are listed, identified and ended
 * by their session agents (the service's own user sees and may end none of them), over the real
 * Unix socket with a scripted agent at the other end.
 */
@Timeout(60)
class SessionAgentsProcessesTest {

    @Test
    void theStudentsProcessesAreListedAndEndedByTheirAgentAndWithoutOneThereAreNone(@TempDir Path tmp) throws Exception {
        try (SessionAgents service = new SessionAgents(tmp.resolve("agent.sock"), List.of(System.getProperty("user.name")))) {
            ProcessService processes = service.processes();
            assertThatThrownBy(processes::processes).isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("no graphical session");

            List<String> asked = new CopyOnWriteArrayList<>();
            try (AgentWire agent = AgentWire.connect(tmp.resolve("agent.sock"))) {
                assertThat(agent.receive()[0]).isEqualTo("welcome");
                agent.send("hello", ":99", "12345");
                Thread script = new Thread(() -> answer(agent, asked), "scripted-agent");
                script.setDaemon(true);
                script.start();
                Await.until("the agent admitted", Duration.ofSeconds(10), service::hasDisplay);

                assertThat(processes.processes()).containsExactly(new RunningProcess(4242, "notes"),
                        new RunningProcess(4243, "Google Chrome"));
                assertThat(processes.executableIdentities(4242)).containsExactlyInAnyOrder("abc", "elf-build-id:def");
                assertThat(processes.windowOwners(Set.of("firefox"))).containsExactly(4242L);
                assertThat(processes.end(4242)).isTrue();
                assertThat(processes.kill(4243)).isTrue();
                assertThat(processes.end(999)).as("not a process an agent listed").isFalse();
                assertThat(asked).contains("end 4242", "kill 4243").doesNotContain("end 999");
            }
        }
    }

    /** The agent's side: a student with two programs; records what it is asked (the interruptions asks aside). */
    private static void answer(AgentWire agent, List<String> asked) {
        try {
            while (true) {
                String[] r = agent.receive();
                List<String> parts = new ArrayList<>(List.of(r).subList(1, r.length));
                asked.add(String.join(" ", parts));
                String value = switch (r[1]) {
                    case "processes" -> AgentProcesses.encode(List.of(new RunningProcess(4242, "notes"),
                            new RunningProcess(4243, "Google Chrome")));
                    case "identities" -> r[2].equals("4242") ? "abc elf-build-id:def" : "";
                    case "windows" -> "4242";
                    case "end", "kill" -> "true";
                    default -> "0";
                };
                agent.send(r[0], "ok", value);
            }
        } catch (java.io.IOException e) {
            // the test closed it
        }
    }
}
