package org.classchain.samples;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.classchain.mods.host.AwtDesktop;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code classchain agent}: the session agent, one per graphical session, run as the student. It
 * connects to the system service's socket, accepts it only when the kernel says the other end runs
 * as the service's user ({@code SO_PEERCRED}), and then shows on this session's display what the
 * service asks (messages, blackouts, locks, pages, and the student's processes for close-apps:
 * {@link AgentProcesses}), through an {@link AwtDesktop} that also
 * restores a still-valid blackout or lock and restarts its keeper when the student kills it. When
 * the service goes away it connects again every {@value #RETRY_MILLIS} ms.
 *
 * <p>The package starts it from a systemd user unit with {@code Restart=always}; with
 * {@code --keep-alive} it supervises itself (a parent that keeps a spare agent started and
 * waiting, and lets it take over at once when the agent ends), which the unit uses too: a cold
 * JVM start alone can take 2 s on a busy computer.
 */
@Command(name = "agent", mixinStandardHelpOptions = true,
        description = "Run the session agent: show on this graphical session what the ClassChain service asks.")
final class AgentCommand implements Callable<Integer> {
    static final long RETRY_MILLIS = 250;
    private static final org.classchain.mods.host.JdkProcesses PROCESSES = new org.classchain.mods.host.JdkProcesses();

    @Option(names = "--socket", defaultValue = "/run/classchain/agent.sock",
            description = "the service's socket (default ${DEFAULT-VALUE})")
    Path socket;

    @Option(names = "--service-user", defaultValue = "classchain",
            description = "the user the service runs as: any other at the socket is refused (default ${DEFAULT-VALUE})")
    String serviceUser;

    @Option(names = "--keep-alive", description = "supervise: start the agent again within "
            + RETRY_MILLIS + " ms whenever it ends (where no systemd user unit does)")
    boolean keepAlive;

    @Option(names = "--standby", hidden = true, description = "started by --keep-alive: wait for a line 'go' on "
            + "standard input before connecting (a warm spare: a killed agent's place is taken at once)")
    boolean standby;

    @Override
    public Integer call() throws Exception {
        if (keepAlive) {
            return supervise();
        }
        try (AwtDesktop desktop = new AwtDesktop()) {
            if (!desktop.hasDisplay()) {
                System.err.println("classchain agent: no display (DISPLAY is not set): nothing to show the service's "
                        + "commands on");
                return 2;
            }
            if (standby && !awaitTurn()) {
                return 0; // the supervisor is gone: so is this spare
            }
            desktop.watch(); // a blackout or lock still due comes back now
            System.out.println("ClassChain session agent pid " + ProcessHandle.current().pid() + " for display "
                    + System.getenv("DISPLAY"));
            while (true) {
                try (AgentWire wire = AgentWire.connect(socket)) {
                    serve(wire, desktop);
                } catch (IOException e) {
                    // no service yet, or it went away: try again
                }
                Thread.sleep(RETRY_MILLIS);
            }
        }
    }

    private void serve(AgentWire wire, AwtDesktop desktop) throws IOException {
        String service = wire.peerUser();
        if (!service.equals(serviceUser)) {
            System.err.println("classchain agent: " + socket + " is served by user " + service + ", not "
                    + serviceUser + ": not the ClassChain service, refused");
            return;
        }
        String[] greeting = wire.receive();
        if (!greeting[0].equals("welcome")) {
            System.err.println("classchain agent: the service refused this agent: "
                    + (greeting.length > 1 ? greeting[1] : greeting[0]));
            return;
        }
        wire.send("hello", String.valueOf(System.getenv("DISPLAY")), Long.toString(ProcessHandle.current().pid()));
        System.out.println("connected to the service at " + socket);
        while (true) {
            String[] request = wire.receive();
            if (request.length < 2) {
                continue;
            }
            String[] answer;
            try {
                answer = new String[] {request[0], "ok", perform(desktop, request)};
            } catch (UnsupportedOperationException e) {
                answer = new String[] {request[0], "unavailable", String.valueOf(e.getMessage())};
            } catch (IOException | RuntimeException e) {
                answer = new String[] {request[0], "failed", e.getMessage() == null ? e.toString() : e.getMessage()};
            }
            wire.send(answer);
        }
    }

    private static String perform(AwtDesktop desktop, String[] r) throws IOException {
        return switch (r[1]) {
            case "message" -> {
                desktop.showMessage(r[2], r[3], Duration.ofSeconds(Long.parseLong(r[4])));
                yield "";
            }
            case "blackout" -> Integer.toString(r[2].isEmpty() ? desktop.blackoutUntilEnded(orNull(r[3]))
                    : desktop.blackout(Duration.ofSeconds(Long.parseLong(r[2])), orNull(r[3])));
            case "lock" -> Integer.toString(desktop.lock(r[2].isEmpty() ? null : Duration.ofSeconds(Long.parseLong(r[2])),
                    orNull(r[3])));
            case "ensure" -> Boolean.toString(desktop.ensure(r[2].equals("lock"), Long.parseLong(r[3]), orNull(r[4])));
            case "screen" -> java.util.Base64.getEncoder().encodeToString(desktop.screen(Integer.parseInt(r[2]),
                    Integer.parseInt(r[3])));
            case "unblackout" -> Boolean.toString(desktop.unblackout());
            case "unlock" -> Boolean.toString(desktop.unlock());
            case "interruptions" -> Integer.toString(desktop.interruptions());
            case "browse" -> {
                desktop.browse(URI.create(r[2]));
                yield "";
            }
            // close-apps: the student's processes are this agent's to see and end, not the service's
            case "processes" -> AgentProcesses.encode(PROCESSES.processes());
            case "end" -> Boolean.toString(PROCESSES.end(Long.parseLong(r[2])));
            case "kill" -> Boolean.toString(PROCESSES.kill(Long.parseLong(r[2])));
            case "identities" -> String.join(" ", PROCESSES.executableIdentities(Long.parseLong(r[2])));
            case "windows" -> AgentProcesses.joinPids(PROCESSES.windowOwners(
                    java.util.Set.of(r[2].split(","))));
            default -> throw new UnsupportedOperationException("this agent does not know '" + r[1] + "'");
        };
    }

    /** A spare waits here, loaded and ready, until the supervisor says {@code go}; false at the end of input. */
    private static boolean awaitTurn() throws IOException {
        java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in,
                java.nio.charset.StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.equals("go")) {
                return true;
            }
        }
        return false;
    }

    private static String orNull(String s) {
        return s.isEmpty() ? null : s;
    }

    /**
     * Runs the agent as a child process and keeps a second one started and waiting (a JVM takes a
     * second or more to start, three on a busy machine): when the agent ends, the spare is told to
     * go at once and a new spare is started. Runs until this process is stopped.
     */
    private int supervise() throws InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                ClassChainCli.class.getName(), "agent", "--socket", socket.toString(), "--service-user", serviceUser,
                "--standby"));
        Process[] children = new Process[2]; // the agent, the spare
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (Process p : children) {
                if (p != null) {
                    p.destroy();
                }
            }
        }, "classchain-agent-supervisor-stop"));
        int starts = 0;
        while (true) {
            try {
                Process agent = children[1] != null && children[1].isAlive() ? children[1] : spare(command);
                go(agent);
                children[0] = agent;
                children[1] = spare(command);
                if (starts++ > 0) {
                    System.out.println("classchain agent restarted (" + (starts - 1) + ")");
                }
                if (agent.waitFor() == 2) {
                    return 2; // no display: starting it again would not give it one
                }
            } catch (IOException e) {
                System.err.println("classchain agent: cannot start the agent: " + e.getMessage());
                Thread.sleep(RETRY_MILLIS);
            }
        }
    }

    private static Process spare(List<String> command) throws IOException {
        return new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.INHERIT)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    private static void go(Process p) throws IOException {
        p.getOutputStream().write("go\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        p.getOutputStream().flush();
    }
}
