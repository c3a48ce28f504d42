package org.classchain.mods.host;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * How this computer logs off, shuts down and reboots, and how it checks it may: command lines
 * (no shell; split at spaces) that the installed system service runs as its own user. The
 * defaults are systemd's: {@value #DEFAULT_LOGOFF}, {@value #DEFAULT_SHUTDOWN},
 * {@value #DEFAULT_REBOOT}, which logind allows the service's user through the polkit rule the
 * package installs; the check is {@value #DEFAULT_CHECK}, where {@code {polkit-action}} is the
 * action's polkit id and {@code {pid}} this JVM's process id. The settings of the peer
 * ({@code power-logoff=}, ...) change them (tests run a script that records its arguments).
 * Thread-safe.
 */
public final class SystemPower {

    /** Ends every session on the computer's seat: the graphical session(s) of whoever is logged in. */
    public static final String DEFAULT_LOGOFF = "loginctl terminate-seat seat0";
    /** Powers the computer off through logind. */
    public static final String DEFAULT_SHUTDOWN = "systemctl poweroff";
    /** Reboots the computer through logind. */
    public static final String DEFAULT_REBOOT = "systemctl reboot";
    /** Asks polkit whether this process may do the action (exit 0: yes). */
    public static final String DEFAULT_CHECK = "pkcheck --action-id {polkit-action} --process {pid}";
    private static final long CHECK_SECONDS = 10;
    private static final long RUN_SECONDS = 60;
    private static final int MAX_OUTPUT = 2_000;

    /** What the teacher may ask of a computer's power and session. */
    public enum Action {
        /** End the graphical session(s). */
        LOGOFF("logoff", "log off", "org.freedesktop.login1.manage"),
        /** Power off. */
        SHUTDOWN("shutdown", "shut down", "org.freedesktop.login1.power-off-multiple-sessions"),
        /** Restart. */
        REBOOT("reboot", "restart", "org.freedesktop.login1.reboot-multiple-sessions");

        private final String argument;
        private final String verb;
        private final String polkitAction;

        Action(String argument, String verb, String polkitAction) {
            this.argument = argument;
            this.verb = verb;
            this.polkitAction = polkitAction;
        }

        /** {@return the word commands use: {@code logoff}, {@code shutdown}, {@code reboot}} */
        public String argument() {
            return argument;
        }

        /** {@return the words of a receipt: {@code log off}, {@code shut down}, {@code restart}} */
        public String verb() {
            return verb;
        }

        /** {@return the polkit action logind checks for it when other users have sessions} */
        public String polkitAction() {
            return polkitAction;
        }

        /**
         * {@return the action a command names}
         *
         * @param argument {@code logoff}, {@code shutdown} or {@code reboot} (any case)
         * @throws IllegalArgumentException for anything else
         */
        public static Action of(String argument) {
            for (Action a : values()) {
                if (a.argument.equals(argument.strip().toLowerCase(Locale.ROOT))) {
                    return a;
                }
            }
            throw new IllegalArgumentException("'" + argument + "' is not a power action: logoff, shutdown or reboot");
        }
    }

    /**
     * What a command line did.
     *
     * @param exitCode its exit code (-1: it did not end in time and was killed)
     * @param output what it wrote (standard output and error), at most a few thousand characters
     */
    public record Result(int exitCode, String output) {
        /** {@return whether it exited with 0} */
        public boolean ok() {
            return exitCode == 0;
        }
    }

    private final Map<Action, String> commands;
    private final String check;

    /**
     * @param commands the command line of each action; a missing one is its default
     * @param check the rights check, or null for {@value #DEFAULT_CHECK}; an empty one checks nothing
     */
    public SystemPower(Map<Action, String> commands, String check) {
        Map<Action, String> all = new EnumMap<>(Action.class);
        all.put(Action.LOGOFF, DEFAULT_LOGOFF);
        all.put(Action.SHUTDOWN, DEFAULT_SHUTDOWN);
        all.put(Action.REBOOT, DEFAULT_REBOOT);
        commands.forEach((a, line) -> {
            if (line != null && !line.isBlank()) {
                all.put(a, line.strip());
            }
        });
        this.commands = all;
        this.check = check == null ? DEFAULT_CHECK : check.strip();
    }

    /** {@return systemd's commands and polkit's check} */
    public static SystemPower defaults() {
        return new SystemPower(Map.of(), null);
    }

    /**
     * {@return the command line that does {@code action}}
     *
     * @param action what to do
     */
    public String commandLine(Action action) {
        return commands.get(action);
    }

    /**
     * What this computer lacks to do {@code action}: its program not found, or the check's
     * refusal (polkit's answer, with the rule to install). Runs the check, at most 10 s.
     *
     * @param action what the teacher asks
     * @return empty when it may; else what is missing, for the teacher's receipt
     * @throws InterruptedException when interrupted while the check runs
     */
    public Optional<String> missing(Action action) throws InterruptedException {
        List<String> argv = argv(commands.get(action), action);
        if (!onPath(argv.get(0))) {
            return Optional.of("cannot " + action.verb() + ": '" + argv.get(0) + "' is not installed on this computer");
        }
        if (check.isEmpty()) {
            return Optional.empty();
        }
        List<String> checkArgv = argv(check, action);
        Result r;
        try {
            r = run(checkArgv, CHECK_SECONDS);
        } catch (IOException e) {
            return Optional.of("cannot " + action.verb() + ": the rights check '" + checkArgv.get(0) + "' could not run ("
                    + e.getMessage() + "): install polkit, and run the peer as the classchain service");
        }
        if (r.ok()) {
            return Optional.empty();
        }
        String said = r.output().isBlank() ? "" : ": " + r.output().strip().lines().findFirst().orElse("");
        return Optional.of("cannot " + action.verb() + ": user '" + System.getProperty("user.name")
                + "' lacks the right " + action.polkitAction() + " (" + checkArgv.get(0) + " exit " + r.exitCode() + said
                + "); the classchain package grants it to its service through " + POLKIT_RULE);
    }

    /** Where the package's polkit rule is installed. */
    public static final String POLKIT_RULE = "/usr/share/polkit-1/rules.d/60-classchain.rules";

    /**
     * Does {@code action}: runs its command line and waits for it, at most a minute.
     *
     * @param action what to do
     * @return what the command did
     * @throws IOException when it cannot be started
     * @throws InterruptedException when interrupted while it runs
     */
    public Result run(Action action) throws IOException, InterruptedException {
        return run(argv(commands.get(action), action), RUN_SECONDS);
    }

    private static List<String> argv(String line, Action action) {
        List<String> out = new ArrayList<>();
        for (String part : line.strip().split("\\s+")) {
            out.add(part.replace("{polkit-action}", action.polkitAction())
                    .replace("{pid}", Long.toString(ProcessHandle.current().pid())));
        }
        return out;
    }

    private static boolean onPath(String program) {
        if (program.contains("/")) {
            return Files.isExecutable(Path.of(program));
        }
        String path = Objects.requireNonNullElse(System.getenv("PATH"), "/usr/bin:/bin");
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    private static Result run(List<String> argv, long seconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.PIPE)
                .start();
        p.getOutputStream().close();
        byte[] out;
        try (InputStream in = p.getInputStream()) {
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "did not end within " + seconds + " s");
            }
            out = in.readNBytes(MAX_OUTPUT);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            throw e;
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
