package org.classchain.mods;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.classchain.Command;
import org.classchain.mods.host.JdkProcesses;
import org.classchain.spi.ArgumentSpec;
import org.classchain.spi.ArgumentType;
import org.classchain.spi.CommandModule;
import org.classchain.spi.ModuleContext;
import org.classchain.spi.Outcome;
import org.classchain.spi.host.ProcessService;
import org.classchain.spi.host.ProcessService.RunningProcess;

/**
 * {@code close-apps}: ends the programs of the current user whose executable is one of
 * {@code names} (default: the common browsers of Linux, Windows and macOS), by name or by what
 * the program is: a process whose executable file has the content (SHA-256) or the ELF build id of
 * a program installed under one of the names is closed whatever it is called and whatever was
 * appended to it (a browser copied as {@code ~/notes-app/notes}); so is one whose windows' class
 * ({@code WM_CLASS}) is one of the names, and every process those started (a browser's helpers).
 * A zombie (ended, not yet reaped) counts as closed. Each is asked to end
 * first (so a browser can save its session), and ended forcibly if it is still running after
 * {@code grace} seconds. Names match the executable's file name, ignoring case and a Windows
 * {@code .exe}. Uses the peer's {@link ProcessService}, else {@link JdkProcesses}; works the
 * same with or without a display.
 */
public final class CloseAppsModule implements CommandModule {

    /** The executables of the common browsers, as named on Linux, Windows (without .exe) and macOS. */
    static final List<String> BROWSERS = List.of(
            "firefox", "firefox-esr", "firefox-bin", "librewolf", "waterfox",
            "chrome", "google-chrome", "google-chrome-stable", "chromium", "chromium-browser",
            "msedge", "microsoft-edge", "brave", "brave-browser", "opera", "vivaldi", "vivaldi-bin",
            "epiphany", "falkon", "iexplore",
            "Google Chrome", "Microsoft Edge", "Brave Browser", "Safari", "Arc");
    static final int MAX_NAMES = 64;
    static final int MAX_NAME = 100;
    static final long MAX_GRACE = 20;
    private static final long FORCED_WAIT_MILLIS = 3000;
    private static final long POLL_MILLIS = 50;
    private static final int PIDS_SHOWN = 20;
    private static final int MAX_ANCESTORS = 16;

    /** A module with nothing to configure: what {@link java.util.ServiceLoader} creates. */
    public CloseAppsModule() {
    }

    @Override
    public String name() {
        return "close-apps";
    }

    @Override
    public String description() {
        return "Close programs (by default every browser) on the students' computers";
    }

    @Override
    public List<ArgumentSpec> arguments() {
        return List.of(
                ArgumentSpec.optional("names", ArgumentType.LIST, String.join(",", BROWSERS),
                        "the programs' executable names, comma-separated (default: the common browsers)"),
                ArgumentSpec.optional("grace", ArgumentType.INTEGER, "5",
                        "seconds a program has to end by itself before it is ended forcibly, 0 to " + MAX_GRACE));
    }

    @Override
    public String apiVersion() {
        return API_VERSION;
    }

    @Override
    public Outcome execute(ModuleContext context, Command command) throws InterruptedException {
        Set<String> wanted;
        long grace;
        try {
            wanted = names(argument(command, "names"));
            grace = Arguments.integer("grace", argument(command, "grace"), 0, MAX_GRACE);
        } catch (Arguments.Invalid e) {
            return Outcome.failed(e.getMessage());
        }
        ProcessService processes = context.service(ProcessService.class).orElseGet(JdkProcesses::new);
        List<RunningProcess> matching;
        try {
            matching = matching(processes, wanted);
        } catch (IllegalStateException e) { // a service whose students' processes are its session agents'
            return Outcome.unavailable(e.getMessage());
        }
        if (matching.isEmpty()) {
            return Outcome.executed("nothing to close: no program of this user named "
                    + (wanted.size() <= 5 ? String.join(", ", wanted) : "any of " + wanted.size() + " names"));
        }
        for (RunningProcess p : matching) {
            processes.end(p.pid());
        }
        List<RunningProcess> stubborn = awaitEnd(processes, matching, TimeUnit.SECONDS.toMillis(grace));
        for (RunningProcess p : stubborn) {
            processes.kill(p.pid());
        }
        List<RunningProcess> survivors = awaitEnd(processes, stubborn, FORCED_WAIT_MILLIS);

        List<RunningProcess> closed = new ArrayList<>(matching);
        closed.removeAll(stubborn);
        List<RunningProcess> forced = new ArrayList<>(stubborn);
        forced.removeAll(survivors);
        List<String> parts = new ArrayList<>();
        if (!closed.isEmpty()) {
            parts.add("closed " + describe(closed));
        }
        if (!forced.isEmpty()) {
            parts.add("forced after " + grace + " s: " + describe(forced));
        }
        if (!survivors.isEmpty()) {
            parts.add("still running: " + describe(survivors));
            return Outcome.failed("could not end every program; " + String.join("; ", parts));
        }
        return Outcome.executed(String.join("; ", parts));
    }

    /**
     * The processes of this user that are one of the {@code wanted} programs: by the executable's
     * name; by what the executable is (its content or its ELF build id, as a program installed under
     * one of the names: a copy renamed, or with bytes appended); by what its windows say it is
     * ({@code WM_CLASS}: Firefox's say {@code firefox} under any file name); and every process these
     * started (a browser's renderers and helpers, whatever they are called).
     */
    static List<RunningProcess> matching(ProcessService processes, Set<String> wanted) {
        Set<String> programs = new HashSet<>(); // what the named programs are, whatever they are called
        for (String name : wanted) {
            programs.addAll(processes.installedIdentities(name));
        }
        Set<Long> windowed = processes.windowOwners(wanted);
        List<RunningProcess> all = processes.processes();
        Set<Long> found = new HashSet<>();
        for (RunningProcess p : all) {
            if (wanted.contains(normalise(p.command())) || windowed.contains(p.pid())
                    || !programs.isEmpty() && processes.executableIdentities(p.pid()).stream().anyMatch(programs::contains)) {
                found.add(p.pid());
            }
        }
        if (!found.isEmpty()) {
            for (RunningProcess p : all) {
                if (!found.contains(p.pid()) && startedBy(processes, p.pid(), found)) {
                    found.add(p.pid());
                }
            }
        }
        return all.stream().filter(p -> found.contains(p.pid())).sorted(Comparator.comparingLong(RunningProcess::pid))
                .toList();
    }

    /** Whether one of the ancestors of {@code pid} (up to {@value #MAX_ANCESTORS} up) is in {@code found}. */
    private static boolean startedBy(ProcessService processes, long pid, Set<Long> found) {
        long at = pid;
        for (int i = 0; i < MAX_ANCESTORS; i++) {
            java.util.Optional<Long> parent = processes.parentOf(at);
            if (parent.isEmpty() || parent.get() <= 1) {
                return false;
            }
            if (found.contains(parent.get())) {
                return true;
            }
            at = parent.get();
        }
        return false;
    }

    /** The checked, normalised names of a {@code names} argument. */
    static Set<String> names(String list) throws Arguments.Invalid {
        Set<String> names = new LinkedHashSet<>();
        for (String raw : list.split(",")) {
            String name = raw.strip();
            if (name.isEmpty()) {
                continue;
            }
            if (name.length() > MAX_NAME) {
                throw new Arguments.Invalid("program name '" + name.substring(0, 20) + "…' is longer than " + MAX_NAME + " characters");
            }
            if (name.indexOf('/') >= 0 || name.indexOf('\\') >= 0 || name.chars().anyMatch(Character::isISOControl)) {
                throw new Arguments.Invalid("'" + name + "' is not a program name: give the executable's name without folders");
            }
            names.add(normalise(name));
        }
        if (names.isEmpty()) {
            throw new Arguments.Invalid("argument 'names' names no program");
        }
        if (names.size() > MAX_NAMES) {
            throw new Arguments.Invalid("argument 'names' has more than " + MAX_NAMES + " names");
        }
        return names;
    }

    /** Lower case, without a Windows {@code .exe}: how names and executables are compared. */
    static String normalise(String command) {
        String s = command.strip().toLowerCase(Locale.ROOT);
        return s.endsWith(".exe") ? s.substring(0, s.length() - 4) : s;
    }

    /** Waits up to {@code millis} for the processes to end; returns those still running. */
    private static List<RunningProcess> awaitEnd(ProcessService processes, List<RunningProcess> waitingFor, long millis)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        List<RunningProcess> alive = alive(processes, waitingFor);
        while (!alive.isEmpty() && System.nanoTime() - deadline < 0) {
            Thread.sleep(POLL_MILLIS); // polling another program's exit: there is nothing to wait on
            alive = alive(processes, alive);
        }
        return alive;
    }

    private static List<RunningProcess> alive(ProcessService processes, List<RunningProcess> candidates) {
        return candidates.stream().filter(p -> processes.isAlive(p.pid())).toList();
    }

    /** {@code firefox (pids 10, 11), chrome (pid 12)}. */
    private static String describe(List<RunningProcess> list) {
        Map<String, List<Long>> byName = new LinkedHashMap<>();
        for (RunningProcess p : list) {
            byName.computeIfAbsent(p.command(), k -> new ArrayList<>()).add(p.pid());
        }
        return byName.entrySet().stream().map(e -> {
            List<Long> pids = e.getValue();
            String shown = pids.stream().limit(PIDS_SHOWN).map(String::valueOf).collect(Collectors.joining(", "));
            String more = pids.size() > PIDS_SHOWN ? " and " + (pids.size() - PIDS_SHOWN) + " more" : "";
            return e.getKey() + (pids.size() == 1 ? " (pid " : " (pids ") + shown + more + ")";
        }).collect(Collectors.joining(", "));
    }
}
