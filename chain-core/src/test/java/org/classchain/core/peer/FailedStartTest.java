package org.classchain.core.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.classchain.core.net.InMemoryNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A start that fails half-way leaves nothing behind: no lock on the data dir, no thread, no open transport. */
class FailedStartTest {

    @TempDir
    Path tmp;

    @Test
    @Timeout(60)
    void aStartThatFailsReleasesTheDataDirAndStopsItsThreads() throws Exception {
        Set<Thread> before = Set.copyOf(Thread.getAllStackTraces().keySet());
        Path dir = tmp.resolve("student");
        try (InMemoryNetwork net = new InMemoryNetwork(51, 2)) {
            net.setTimeout(Duration.ofMillis(100));
            Peer lonely = Peer.builder().transport(net.newTransport()).dataDir(dir).seed("mem://99")
                    .joinTimeout(Duration.ofMillis(300)).build();
            assertThatThrownBy(lonely::start).isInstanceOf(IOException.class).hasMessageContaining("no seed answered");
            assertThat(Thread.getAllStackTraces().keySet()).filteredOn(t -> !before.contains(t) && t.isAlive())
                    .extracting(Thread::getName).noneMatch(n -> n.startsWith("classchain-") && !n.startsWith("classchain-memnet"));

            // the same data dir serves a new peer at once: the lock was released
            try (Peer teacher = Peer.builder().transport(net.newTransport()).account("t", "pw").difficultyBits(4)
                    .passwordPolicy(new org.classchain.core.auth.PasswordPolicy(1000, 1000)).build()) {
                teacher.start();
                try (Peer again = Peer.builder().transport(net.newTransport()).dataDir(dir).seed(teacher.address())
                        .build()) {
                    again.start();
                    assertThat(again.chain().genesis()).isEqualTo(teacher.chain().genesis());
                }
            }
        }
    }
}
