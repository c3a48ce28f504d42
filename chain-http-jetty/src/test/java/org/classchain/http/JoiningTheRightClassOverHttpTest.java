package org.classchain.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.classchain.Role;
import org.classchain.core.auth.PasswordPolicy;
import org.classchain.core.peer.Peer;
import org.classchain.wire.Transport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 23, property 6, over real HTTP peers: a student joins the class it pinned (a chain id or a
 * genesis hash) or none; a peer holding a chain keeps it whatever its seed serves; and a student
 * whose seed hosts no chain waits for the teacher's chain instead of becoming the TEACHER of a new
 * one.
 */
class JoiningTheRightClassOverHttpTest {

    private static final AtomicInteger NEXT = new AtomicInteger(10);
    private static final PasswordPolicy FAST = new PasswordPolicy(1000, 1000);

    @TempDir
    Path tmp;

    private final List<Peer> peers = new ArrayList<>();

    private static Transport transport() {
        String ip = "127.0.2." + (NEXT.getAndIncrement() % 200 + 10);
        return JettyTransport.builder().host(ip).bindAddress(ip).port(0).build();
    }

    private Peer peer(Peer.Builder b) {
        Peer p = b.transport(transport()).difficultyBits(8).tick(Duration.ofMillis(100)).passwordPolicy(FAST).build();
        peers.add(p);
        return p;
    }

    private Peer started(Peer.Builder b) throws IOException {
        Peer p = peer(b);
        p.start();
        return p;
    }

    @AfterEach
    void close() {
        peers.forEach(Peer::close);
    }

    private static void await(String what, BooleanSupplier c) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(20);
        }
    }

    @Test
    @Timeout(60)
    void aPinnedStudentRefusesASeedOfAnotherClassAndLeavesNoDataDir() throws Exception {
        Peer classA = started(Peer.builder().account("teacher", "pw"));
        Peer classB = started(Peer.builder().account("other", "pw"));
        String a = classA.chain().chainId();
        String b = classB.chain().chainId();

        for (String pin : List.of(a, classA.chain().genesis().hash().hex())) {
            Path dir = tmp.resolve("student-" + pin.length());
            long t0 = System.nanoTime();
            Peer student = peer(Peer.builder().dataDir(dir).seed(classB.address()).expectChain(pin)
                    .joinTimeout(Duration.ofSeconds(30)));
            assertThatThrownBy(student::start).isInstanceOf(IOException.class)
                    .hasMessageContaining(pin).hasMessageContaining(b);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("refused at once").isLessThan(Duration.ofSeconds(10));
            assertThat(dir).as("the data dir the failed start created").doesNotExist();
        }

        // pinned to its class, a student joins it
        Peer good = started(Peer.builder().dataDir(tmp.resolve("good")).seed(classA.address()).expectChain(a));
        assertThat(good.chain().chainId()).isEqualTo(a);
    }

    @Test
    @Timeout(60)
    void aPeerHoldingAChainKeepsItWhenItsSeedServesAnother() throws Exception {
        Peer classA = started(Peer.builder().account("teacher", "pw"));
        Peer classB = started(Peer.builder().account("other", "pw"));
        Path dir = tmp.resolve("alice");
        try (Peer alice = peer(Peer.builder().dataDir(dir).seed(classA.address()))) {
            alice.start();
        }
        Peer again = started(Peer.builder().dataDir(dir).seed(classB.address()));
        assertThat(again.chain().chainId()).isEqualTo(classA.chain().chainId());
        // it greeted the seed of the other class (which called it back and answered): not its neighbour
        await("class B's peer has answered the greeting", () -> classB.status().neighbours().contains(again.address()));
        assertThat(again.status().neighbours()).doesNotContain(classB.address());
        assertThat(again.chain().headInfo().height()).isZero();

        // pinned to class B, a peer holding class A's chain does not start at all, and keeps its data dir
        Peer pinned = peer(Peer.builder().dataDir(dir).seed(classB.address()).expectChain(classB.chain().chainId()));
        again.close();
        assertThatThrownBy(pinned::start).isInstanceOf(IOException.class)
                .hasMessageContaining(classA.chain().chainId()).hasMessageContaining(classB.chain().chainId());
        assertThat(dir).isDirectoryContaining(p -> p.getFileName().toString().startsWith("blocks")
                || p.getFileName().toString().startsWith("chain"));
    }

    @Test
    @Timeout(60)
    void aStudentWhoseSeedHostsNoChainWaitsForTheTeachersChain() throws Exception {
        // a fresh peer that hosts no chain: it is still waiting for a seed that never answers
        Peer fresh = peer(Peer.builder().seed("http://127.0.0.1:1").joinTimeout(Duration.ofSeconds(40)));
        CompletableFuture<Void> freshStart = CompletableFuture.runAsync(() -> {
            try {
                fresh.start();
            } catch (IOException e) {
                // expected when the test ends
            }
        });
        await("the fresh peer serves handshakes", () -> {
            try {
                return fresh.address() != null;
            } catch (IllegalStateException notYet) {
                return false;
            }
        });

        Peer mallory = peer(Peer.builder().seed(fresh.address()).account("mallory", "pw")
                .joinTimeout(Duration.ofSeconds(3)));
        assertThatThrownBy(mallory::start).isInstanceOf(IOException.class)
                .hasMessageContaining("waiting for the teacher's chain");
        assertThat(mallory.chain()).as("mallory started no chain of her own").isNull();

        // told to, a peer does create its own chain
        Peer told = started(Peer.builder().seed(fresh.address()).account("t2", "pw").genesisIfUnreachable(true));
        assertThat(told.role()).isEqualTo(Role.TEACHER);
        fresh.close();
        freshStart.get(10, TimeUnit.SECONDS);
    }
}
