package org.classchain.samples;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.classchain.DesktopHealth;
import org.classchain.spi.host.DesktopService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The system service's desktop: the session agents connected to its Unix domain socket, one per
 * graphical session, each showing on its own display what the modules ask (see {@link AgentWire}).
 * Only an agent of a user with a login session is kept ({@code SO_PEERCRED}; logind's records, or
 * the {@code agent-users} setting where there is no logind); others are told why and closed.
 * Without an agent there is no display: the display modules answer UNAVAILABLE with
 * {@link #noDisplayReason()}. An agent that comes back for a user whose agent went away counts as
 * restarted; the count goes into every display command's receipt ({@link #incidents()}) and, with the
 * time of the latest and the interruptions the agents report, into the peer's status ({@link #health()}). The
 * service remembers the blackout or lock the teacher asked for until it is ended, and asks every
 * agent that connects to make sure it is up: the agent's own state file is the student's to delete.
 *
 * <p>One thread accepts ({@code classchain-agent-accept}) and one reads each agent's answers
 * ({@code classchain-agent-USER}); {@link #close()} stops them and removes the socket. Thread-safe.
 */
final class SessionAgents implements DesktopService, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("classchain.agents");
    /** How long an agent has to answer; a blackout waits for its windows (the keeper allows 20 s). */
    static final Duration ANSWER_PATIENCE = Duration.ofSeconds(30);
    /** How often {@link #health()} asks the agents for their interruptions. */
    static final long HEALTH_REFRESH_MILLIS = 1_000;
    /** How long an agent has to list, identify or end processes. */
    static final Duration PROCESS_PATIENCE = Duration.ofSeconds(10);

    private final Path socket;
    private final Predicate<String> mayConnect;
    private final ServerSocketChannel server;
    private final Thread acceptor;
    private final List<Agent> agents = new CopyOnWriteArrayList<>();
    /** Users whose agent was connected once: a new agent of theirs is a restart. */
    private final Map<String, Integer> restarts = new ConcurrentHashMap<>();
    private final Map<String, Boolean> seen = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();
    private volatile Instant lastRestart;
    private volatile boolean closed;
    /** The blackout or lock the teacher asked for and has not ended: sent to every agent that connects. */
    private volatile Active active;

    private record Active(boolean lock, long until, String message) {
        boolean valid() {
            return until == 0 || until > System.currentTimeMillis();
        }
    }

    /**
     * Listens on {@code socket} (replacing a stale one), readable and writable by every local user
     * so that each session's agent can connect; who may stay is decided per connection.
     *
     * @param socket the socket's path, in a folder only the service may write (e.g. {@code /run/classchain})
     * @param allowedUsers agents accepted without a logind session; empty: logged-in users only
     */
    SessionAgents(Path socket, List<String> allowedUsers) throws IOException {
        this.socket = socket.toAbsolutePath();
        this.mayConnect = user -> allowedUsers.contains(user) || AgentWire.loggedIn(user);
        Files.createDirectories(this.socket.getParent());
        Files.deleteIfExists(this.socket);
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(this.socket));
        try {
            Files.setPosixFilePermissions(this.socket, PosixFilePermissions.fromString("rw-rw-rw-"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the folder's permissions decide
        }
        acceptor = new Thread(this::acceptLoop, "classchain-agent-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        LOG.info("waiting for session agents on {}", this.socket);
    }

    private void acceptLoop() {
        while (!closed) {
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("agent socket: {}", e.toString());
                }
                return;
            }
            AgentWire wire = new AgentWire(ch);
            try {
                String user = wire.peerUser();
                if (!mayConnect.test(user)) {
                    LOG.warn("refused a session agent of user {}: no login session", user);
                    wire.send("refused", "user " + user + " has no login session at this computer");
                    wire.close();
                    continue;
                }
                admit(wire, user);
            } catch (IOException | RuntimeException e) {
                LOG.warn("a session agent could not connect: {}", e.toString());
                wire.close();
            }
        }
    }

    private void admit(AgentWire wire, String user) throws IOException {
        wire.send("welcome");
        String[] hello = wire.receive();
        if (hello.length < 3 || !hello[0].equals("hello")) {
            throw new IOException("the agent did not say hello");
        }
        boolean restart = seen.put(user, Boolean.TRUE) != null;
        int count = restart ? restarts.merge(user, 1, Integer::sum) : restarts.getOrDefault(user, 0);
        if (restart) {
            lastRestart = Instant.now();
        }
        Agent agent = new Agent(wire, user, hello[1], hello[2]);
        agents.add(agent);
        LOG.info("session agent of {} connected: display {}, pid {}{}", user, hello[1], hello[2],
                restart ? ", restarted (" + count + (count == 1 ? " time)" : " times)") : "");
        Thread reader = new Thread(agent::readLoop, "classchain-agent-" + user);
        reader.setDaemon(true);
        agent.reader = reader;
        reader.start();
        Active due = active;
        if (due != null && due.valid()) { // restored even if the student removed the agent's state file
            agent.request("ensure", due.lock() ? "lock" : "blackout", Long.toString(due.until()),
                    due.message() == null ? "" : due.message());
        }
    }

    /**
     * The students' processes through their agents, for close-apps under the service (the
     * service's user sees and may end none of them).
     */
    org.classchain.spi.host.ProcessService processes() {
        return new AgentProcesses(new AgentProcesses.Asker() {
            @Override
            public List<Object> agents() {
                return List.copyOf(agents);
            }

            @Override
            public String ask(Object agent, String op, String... args) {
                Agent a = (Agent) agent;
                try {
                    String[] answer = a.request(op, args).get(PROCESS_PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
                    if (!answer[1].equals("ok")) {
                        throw new IllegalStateException(a.user + ": " + (answer.length > 2 ? answer[2] : answer[1]));
                    }
                    return answer.length > 2 ? answer[2] : "";
                } catch (TimeoutException e) {
                    throw new IllegalStateException(a.user + ": the session agent did not answer within "
                            + PROCESS_PATIENCE.toSeconds() + " s");
                } catch (ExecutionException e) {
                    throw new IllegalStateException(a.user + ": " + e.getCause().getMessage());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while the session agent worked", e);
                }
            }
        });
    }

    @Override
    public boolean hasDisplay() {
        return !agents.isEmpty();
    }

    @Override
    public String noDisplayReason() {
        return "no graphical session: no session agent is connected, so no display";
    }

    /** {@code session agent restarted 2 times} since the service started, or nothing. */
    @Override
    public String incidents() {
        int n = restarts.values().stream().mapToInt(Integer::intValue).sum();
        return n == 0 ? "" : "session agent restarted " + n + (n == 1 ? " time" : " times");
    }

    /**
     * The agents now, their restarts, and the interruptions they last reported: never waits on an
     * agent. Each call asks the agents for their count again (at most once per
     * {@value #HEALTH_REFRESH_MILLIS} ms), so the teacher's room, which asks every 2 s, is at most
     * a round behind.
     */
    @Override
    public DesktopHealth health() {
        List<Agent> now = List.copyOf(agents);
        int interrupted = 0;
        for (Agent a : now) {
            a.refreshInterruptions();
            interrupted += a.interruptions;
        }
        int n = restarts.values().stream().mapToInt(Integer::intValue).sum();
        return new DesktopHealth(!now.isEmpty(), now.size(), n, lastRestart, interrupted,
                now.isEmpty() ? noDisplayReason() : "");
    }

    @Override
    public void showMessage(String title, String text, Duration duration) {
        ask("message", title, text, Long.toString(duration.toSeconds()));
    }

    @Override
    public int blackout(Duration duration, String message) {
        long until = System.currentTimeMillis() + duration.toMillis();
        int screens = sum(ask("blackout", Long.toString(duration.toSeconds()), message == null ? "" : message));
        active = new Active(false, until, message);
        return screens;
    }

    @Override
    public int blackoutUntilEnded(String message) {
        int screens = sum(ask("blackout", "", message == null ? "" : message));
        active = new Active(false, 0, message);
        return screens;
    }

    @Override
    public int lock(Duration duration, String message) {
        long until = duration == null ? 0 : System.currentTimeMillis() + duration.toMillis();
        int screens = sum(ask("lock", duration == null ? "" : Long.toString(duration.toSeconds()), message == null ? "" : message));
        active = new Active(true, until, message);
        return screens;
    }

    @Override
    public boolean unblackout() {
        Active a = active;
        if (a != null && !a.lock()) {
            active = null;
        }
        return ask("unblackout").contains("true");
    }

    @Override
    public boolean unlock() {
        Active a = active;
        if (a != null && a.lock()) {
            active = null;
        }
        return ask("unlock").contains("true");
    }

    @Override
    public int interruptions() {
        return agents.isEmpty() ? 0 : sum(ask("interruptions"));
    }

    @Override
    public void browse(URI uri) throws IOException {
        ask("browse", uri.toString());
    }

    /** The largest picture an agent sends: its base64 fits in one field of the agent wire (64 KB). */
    static final int MAX_PICTURE = 45 * 1024;

    /**
     * The screens of the graphical session, taken by its agent (the first that answers, when
     * several sessions are open), at most {@link #MAX_PICTURE} bytes.
     */
    @Override
    public byte[] screen(int width, int maxBytes) throws IOException {
        String picture = ask("screen", Integer.toString(width), Integer.toString(Math.min(maxBytes, MAX_PICTURE))).get(0);
        byte[] jpeg;
        try {
            jpeg = java.util.Base64.getDecoder().decode(picture);
        } catch (IllegalArgumentException e) {
            throw new IOException("the session agent sent no picture");
        }
        if (jpeg.length == 0 || jpeg.length > maxBytes) {
            throw new IOException("the session agent's picture has " + jpeg.length + " bytes, not 1-" + maxBytes);
        }
        return jpeg;
    }

    private static int sum(List<String> values) {
        return values.stream().mapToInt(Integer::parseInt).sum();
    }

    /**
     * Asks every connected agent; their values, from those that did it.
     *
     * @throws IllegalStateException when no agent is connected or none could do it
     * @throws UnsupportedOperationException when the agents answered it is unavailable there
     */
    private List<String> ask(String op, String... args) {
        List<Agent> now = List.copyOf(agents);
        if (now.isEmpty()) {
            throw new IllegalStateException(noDisplayReason());
        }
        Map<Agent, CompletableFuture<String[]>> asked = new HashMap<>();
        for (Agent a : now) {
            asked.put(a, a.request(op, args));
        }
        List<String> values = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        boolean unavailable = false;
        for (Map.Entry<Agent, CompletableFuture<String[]>> e : asked.entrySet()) {
            try {
                String[] answer = e.getValue().get(ANSWER_PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
                switch (answer[1]) {
                    case "ok" -> values.add(answer.length > 2 ? answer[2] : "");
                    case "unavailable" -> {
                        unavailable = true;
                        problems.add(e.getKey().user + ": " + answer[2]);
                    }
                    default -> problems.add(e.getKey().user + ": " + (answer.length > 2 ? answer[2] : "failed"));
                }
            } catch (TimeoutException ex) {
                problems.add(e.getKey().user + ": the session agent did not answer within " + ANSWER_PATIENCE.toSeconds() + " s");
            } catch (ExecutionException ex) {
                problems.add(e.getKey().user + ": " + ex.getCause().getMessage());
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while the session agent worked", ex);
            }
        }
        if (values.isEmpty()) {
            String why = String.join("; ", problems);
            if (unavailable) {
                throw new UnsupportedOperationException(why);
            }
            throw new IllegalStateException(why);
        }
        return values;
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // closing
        }
        for (Agent a : agents) {
            a.wire.close();
        }
        try {
            acceptor.join(2_000);
            for (Agent a : agents) {
                if (a.reader != null) {
                    a.reader.join(2_000);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            // left for the next start, which replaces it
        }
    }

    /** One connected agent: its requests waiting for answers, and the thread reading them. */
    private final class Agent {
        final AgentWire wire;
        final String user;
        final String display;
        final String pid;
        final Map<String, CompletableFuture<String[]>> waiting = new ConcurrentHashMap<>();
        volatile Thread reader;
        /** The interruptions this agent last reported, and when it was last asked (System.nanoTime). */
        volatile int interruptions;
        private final AtomicLong askedAt = new AtomicLong(System.nanoTime() - HEALTH_REFRESH_MILLIS * 1_000_000);

        Agent(AgentWire wire, String user, String display, String pid) {
            this.wire = wire;
            this.user = user;
            this.display = display;
            this.pid = pid;
        }

        CompletableFuture<String[]> request(String op, String... args) {
            String id = Integer.toString(ids.incrementAndGet());
            CompletableFuture<String[]> answer = new CompletableFuture<>();
            waiting.put(id, answer);
            String[] frame = new String[args.length + 2];
            frame[0] = id;
            frame[1] = op;
            System.arraycopy(args, 0, frame, 2, args.length);
            try {
                wire.send(frame);
            } catch (IOException e) {
                waiting.remove(id);
                answer.completeExceptionally(new IOException("the session agent is gone: " + e.getMessage(), e));
            }
            return answer;
        }

        /** Asks for the count without waiting; the answer updates {@link #interruptions}. */
        void refreshInterruptions() {
            long last = askedAt.get();
            long t = System.nanoTime();
            if (t - last < HEALTH_REFRESH_MILLIS * 1_000_000 || !askedAt.compareAndSet(last, t)) {
                return;
            }
            request("interruptions").thenAccept(answer -> {
                if (answer.length > 2 && answer[1].equals("ok")) {
                    try {
                        interruptions = Math.max(0, Integer.parseInt(answer[2]));
                    } catch (NumberFormatException e) {
                        // an agent that says nonsense keeps its last count
                    }
                }
            });
        }

        void readLoop() {
            try {
                while (true) {
                    String[] answer = wire.receive();
                    if (answer.length >= 2) {
                        CompletableFuture<String[]> f = waiting.remove(answer[0]);
                        if (f != null) {
                            f.complete(answer);
                        }
                    }
                }
            } catch (IOException e) {
                // gone: killed, logged out, or closed
            } finally {
                agents.remove(this);
                wire.close();
                IOException gone = new IOException("the session agent of " + user + " went away");
                waiting.values().forEach(f -> f.completeExceptionally(gone));
                if (!closed) {
                    LOG.warn("session agent of {} (display {}, pid {}) went away", user, display, pid);
                }
            }
        }
    }
}
