package org.classchain.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Under the system service the screens come from the session agent (issue 18, item 2): the
 * service asks its agent over the real Unix socket and the agent wire, here answered by this test
 * as the agent would, within the wire's field limit; a picture too big is refused, not passed on.
 */
@Timeout(30)
class SessionAgentsScreenTest {

    @TempDir
    Path dir;

    @Test
    void theServiceTakesTheScreensThroughTheSessionAgent() throws Exception {
        byte[] picture = new byte[30_000];
        new java.util.Random(18).nextBytes(picture);
        List<String> asked = new CopyOnWriteArrayList<>();
        Path socket = dir.resolve("run").resolve("agent.sock");
        try (SessionAgents agents = new SessionAgents(socket, List.of(System.getProperty("user.name")));
             AgentWire agent = AgentWire.connect(socket)) {
            assertThat(agents.hasDisplay()).isFalse();
            assertThat(agent.receive()[0]).isEqualTo("welcome");
            agent.send("hello", ":7", "4242");
            Thread answering = new Thread(() -> {
                try {
                    while (true) {
                        String[] r = agent.receive();
                        asked.add(String.join(" ", List.of(r).subList(1, r.length)));
                        byte[] out = Integer.parseInt(r[2]) == 999 ? new byte[48_000] : picture;
                        agent.send(r[0], "ok", Base64.getEncoder().encodeToString(out));
                    }
                } catch (IOException e) {
                    // closed
                }
            }, "test-agent");
            answering.setDaemon(true);
            answering.start();
            long end = System.nanoTime() + 10_000_000_000L;
            while (!agents.hasDisplay() && System.nanoTime() < end) {
                Thread.onSpinWait();
            }
            assertThat(agents.screen(320, 64 * 1024)).isEqualTo(picture);
            assertThat(asked).containsExactly("screen 320 " + SessionAgents.MAX_PICTURE);
            assertThatThrownBy(() -> agents.screen(999, 40_000)).isInstanceOf(IOException.class)
                    .hasMessageContaining("48000 bytes");
        }
    }
}
