package org.classchain.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.classchain.DesktopHealth;
import org.classchain.core.testing.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the service's status says of its session agents, over the real Unix socket with a
 * scripted agent at the other end: no session, an agent, the student killing it and a new one
 * coming back, and the interruptions the agent reports. All without waiting on an agent.
 */
@Timeout(60)
class SessionAgentsHealthTest {

    @Test
    void theStatusSaysWhenTheAgentWasKilledAndCameBackAndWhatItReports(@TempDir Path tmp) throws Exception {
        try (SessionAgents service = new SessionAgents(tmp.resolve("agent.sock"), List.of(System.getProperty("user.name")))) {
            DesktopHealth none = service.health();
            assertThat(none.display()).isFalse();
            assertThat(none.summary()).startsWith("no graphical session");

            AgentWire first = hello(tmp);
            Await.until("the first agent admitted", Duration.ofSeconds(10), service::hasDisplay);
            assertThat(service.health()).isEqualTo(new DesktopHealth(true, 1, 0, null, 0, ""));
            assertThat(service.health().summary()).isEmpty();

            Instant before = Instant.now();
            first.close(); // kill -9: the socket closes
            Await.until("the agent gone", Duration.ofSeconds(10), () -> !service.hasDisplay());
            try (AgentWire second = hello(tmp)) {
                Await.until("the agent back", Duration.ofSeconds(10), service::hasDisplay);
                DesktopHealth back = service.health();
                assertThat(back.agents()).isEqualTo(1);
                assertThat(back.agentRestarts()).isEqualTo(1);
                assertThat(back.lastAgentRestart()).isBetween(before, Instant.now());
                assertThat(back.summary()).startsWith("agent restarted 1 time (last ");

                // the status asked the agent for its interruptions without waiting: the answer counts from then on
                String[] asked = second.receive();
                assertThat(asked[1]).isEqualTo("interruptions");
                second.send(asked[0], "ok", "3");
                Await.until("the interruptions reported", Duration.ofSeconds(10),
                        () -> service.health().interruptions() == 3);
                assertThat(service.health().summary()).endsWith("; blackout interrupted 3 times, restored");
            }
        }
    }

    private static AgentWire hello(Path tmp) throws Exception {
        AgentWire wire = AgentWire.connect(tmp.resolve("agent.sock"));
        assertThat(wire.receive()[0]).isEqualTo("welcome");
        wire.send("hello", ":99", "12345");
        return wire;
    }
}
