package org.classchain.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.classchain.wire.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What send does when the other side is not there, or does not answer, and what close leaves behind. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JettyTransportFailureTest {

    @Test
    void connection_refused_fails_the_send_within_the_timeout() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        try (JettyTransport client = JettyTransport.builder().requestTimeout(Duration.ofSeconds(2)).build()) {
            long start = System.nanoTime();
            CompletableFuture<Message> f = client.send("http://127.0.0.1:" + port, new Message.GetHead());
            ExecutionException e = awaitFailure(f);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
            assertThat(e.getCause()).isInstanceOf(IOException.class).hasMessageContaining("127.0.0.1:" + port);
        }
    }

    @Test
    void an_https_address_without_a_tls_keystore_fails_with_a_message_naming_the_option() throws Exception {
        try (JettyTransport client = JettyTransport.builder().build()) {
            ExecutionException e = awaitFailure(client.send("https://127.0.0.1:9", new Message.GetHead()));
            // an address this transport cannot call, as a malformed one: no retry will change it
            assertThat(e.getCause()).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("--tls-keystore");
        }
    }

    @Test
    void a_peer_that_accepts_but_never_answers_fails_the_send_after_the_request_timeout() throws Exception {
        List<Socket> accepted = new ArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
             JettyTransport client = JettyTransport.builder().requestTimeout(Duration.ofMillis(500)).build()) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept());
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            }, "classchain-test-silent-acceptor");
            acceptor.setDaemon(true);
            acceptor.start();
            long start = System.nanoTime();
            ExecutionException e = awaitFailure(client.send("http://127.0.0.1:" + silent.getLocalPort(),
                    new Message.GetStatus()));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(450)).isLessThan(Duration.ofSeconds(3));
            assertThat(e.getCause()).isInstanceOf(IOException.class);
            assertThat(e.getCause().getCause()).isInstanceOf(TimeoutException.class);
        } finally {
            for (Socket s : accepted) {
                s.close();
            }
        }
    }

    @Test
    void a_handler_slower_than_the_client_timeout_fails_the_send_and_not_the_server() throws Exception {
        StubHandler slow = new StubHandler();
        slow.answerWith(m -> new CompletableFuture<>());
        try (JettyTransport server = JettyTransport.builder().requestTimeout(Duration.ofSeconds(30)).build();
             JettyTransport client = JettyTransport.builder().requestTimeout(Duration.ofMillis(300)).build()) {
            server.start(slow);
            awaitFailure(client.send(server.localAddress(), new Message.GetHead()));
            slow.replyWith(new Message.HeadReply(null));
            assertThat(client.send(server.localAddress(), new Message.GetHead()).get(5, TimeUnit.SECONDS))
                    .isEqualTo(new Message.HeadReply(null));
        }
    }

    @Test
    void close_fails_pending_sends() throws Exception {
        StubHandler never = new StubHandler();
        CountDownLatch arrived = new CountDownLatch(1);
        never.answerWith(m -> {
            arrived.countDown();
            return new CompletableFuture<>();
        });
        try (JettyTransport server = JettyTransport.builder().build()) {
            server.start(never);
            JettyTransport client = JettyTransport.builder().requestTimeout(Duration.ofSeconds(30)).build();
            CompletableFuture<Message> pending = client.send(server.localAddress(), new Message.GetHead());
            assertThat(arrived.await(5, TimeUnit.SECONDS)).isTrue();
            client.close();
            awaitFailure(pending);
            assertThat(client.send(server.localAddress(), new Message.GetHead())).failsWithin(Duration.ofSeconds(1));
        }
    }

    @Test
    void a_port_in_use_fails_start_with_an_io_exception_and_no_threads() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             JettyTransport t = JettyTransport.builder().port(taken.getLocalPort()).build()) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> t.start(new StubHandler()))
                    .isInstanceOf(IOException.class);
            assertThat(liveThreads("classchain-http-" + taken.getLocalPort())).isEmpty();
        }
    }

    @Test
    void close_stops_every_thread_it_started() throws Exception {
        StubHandler stub = new StubHandler();
        stub.replyWith(new Message.HeadReply(null));
        JettyTransport a = JettyTransport.builder().build();
        JettyTransport b = JettyTransport.builder().build();
        a.start(stub);
        b.start(stub);
        for (int i = 0; i < 20; i++) {
            a.send(b.localAddress(), new Message.GetHead()).get(5, TimeUnit.SECONDS);
            b.send(a.localAddress(), new Message.GetHead()).get(5, TimeUnit.SECONDS);
        }
        List<String> prefixes = List.of("classchain-http-" + a.port() + "-", "classchain-http-client-" + a.port() + "-",
                "classchain-http-" + b.port() + "-", "classchain-http-client-" + b.port() + "-");
        assertThat(liveThreads(prefixes)).as("threads while running").isNotEmpty()
                .allSatisfy(t -> assertThat(t.getName()).startsWith("classchain-"));

        a.close();
        b.close();

        assertThat(liveThreads(prefixes).stream().filter(t -> !t.isDaemon()).map(Thread::getName).toList())
                .as("non-daemon threads after close").isEmpty();
        for (Thread t : liveThreads(prefixes)) {
            t.join(5_000);
        }
        assertThat(liveThreads(prefixes).stream().map(Thread::getName).toList()).as("any threads after close").isEmpty();
    }

    private static List<Thread> liveThreads(String prefix) {
        return liveThreads(List.of(prefix));
    }

    private static List<Thread> liveThreads(List<String> prefixes) {
        Set<Thread> all = Thread.getAllStackTraces().keySet();
        return all.stream().filter(Thread::isAlive)
                .filter(t -> prefixes.stream().anyMatch(p -> t.getName().startsWith(p)))
                .collect(Collectors.toList());
    }

    private static ExecutionException awaitFailure(CompletableFuture<Message> f) throws Exception {
        try {
            Message m = f.get(10, TimeUnit.SECONDS);
            throw new AssertionError("expected a failure, got " + m);
        } catch (ExecutionException e) {
            return e;
        }
    }
}
