package org.classchain.samples;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.classchain.mods.host.JdkProcesses;
import org.classchain.spi.host.ProcessService;

/**
 * The processes of the students logged in at this computer, for a peer run as the system
 * service: the service's own user sees only its own processes (and may not end a student's), so
 * close-apps asks each session agent, which runs as its student, to list, identify and end them
 * ({@code processes}, {@code identities PID}, {@code windows CLASSES}, {@code end PID},
 * {@code kill PID}). What any user may read is asked locally: whether a process is alive (a
 * zombie is not), its parent, and the programs installed on the computer. Without an agent there
 * is no student session to close programs in: {@link #processes()} throws
 * {@link IllegalStateException} with the reason. Thread-safe.
 */
final class AgentProcesses implements ProcessService {
    /** What one frame field carries ({@code writeUTF}: 65,535 bytes), with room to spare. */
    private static final int MAX_LIST_CHARS = 20_000;

    /** Asks one agent ({@code agent, op + args}); its value, or throws IllegalStateException. */
    interface Asker {
        /** The connected agents now, as opaque keys. */
        List<Object> agents();

        /** The answer of {@code agent} to {@code op args}, or IllegalStateException. */
        String ask(Object agent, String op, String... args);
    }

    private final Asker asker;
    private final JdkProcesses local = new JdkProcesses();
    /** Which agent listed each process last: where its end and kill go. */
    private final Map<Long, Object> owners = new ConcurrentHashMap<>();

    AgentProcesses(Asker asker) {
        this.asker = asker;
    }

    @Override
    public List<RunningProcess> processes() {
        List<Object> now = asker.agents();
        if (now.isEmpty()) {
            throw new IllegalStateException("no graphical session: no session agent is connected, so no student's "
                    + "programs to close");
        }
        List<RunningProcess> all = new ArrayList<>();
        owners.clear();
        for (Object agent : now) {
            for (RunningProcess p : decode(asker.ask(agent, "processes"))) {
                owners.put(p.pid(), agent);
                all.add(p);
            }
        }
        return all;
    }

    @Override
    public boolean end(long pid) {
        Object agent = owners.get(pid);
        return agent != null && Boolean.parseBoolean(asker.ask(agent, "end", Long.toString(pid)));
    }

    @Override
    public boolean kill(long pid) {
        Object agent = owners.get(pid);
        return agent != null && Boolean.parseBoolean(asker.ask(agent, "kill", Long.toString(pid)));
    }

    @Override
    public boolean isAlive(long pid) {
        return local.isAlive(pid);
    }

    @Override
    public Set<String> executableIdentities(long pid) {
        Object agent = owners.get(pid);
        if (agent == null) {
            return Set.of();
        }
        String ids = asker.ask(agent, "identities", Long.toString(pid));
        return ids.isBlank() ? Set.of() : Set.of(ids.strip().split(" "));
    }

    @Override
    public Set<String> installedIdentities(String name) {
        return local.installedIdentities(name);
    }

    @Override
    public Set<String> installedDigests(String name) {
        return local.installedDigests(name);
    }

    @Override
    public Optional<Long> parentOf(long pid) {
        return local.parentOf(pid);
    }

    @Override
    public Set<Long> windowOwners(Set<String> classes) {
        Set<Long> pids = new LinkedHashSet<>();
        for (Object agent : asker.agents()) {
            for (String s : asker.ask(agent, "windows", String.join(",", classes)).split(",")) {
                if (!s.isBlank()) {
                    pids.add(Long.parseLong(s.strip()));
                }
            }
        }
        return pids;
    }

    /** {@code PID TAB COMMAND} lines, as many as one frame field carries (a command's name is at most 255 bytes). */
    static String encode(List<RunningProcess> processes) {
        StringBuilder out = new StringBuilder();
        for (RunningProcess p : processes) {
            String line = p.pid() + "\t" + p.command().replace('\n', ' ') + "\n";
            if (out.length() + line.length() > MAX_LIST_CHARS) {
                break;
            }
            out.append(line);
        }
        return out.toString();
    }

    static List<RunningProcess> decode(String lines) {
        List<RunningProcess> out = new ArrayList<>();
        for (String line : lines.split("\n")) {
            int tab = line.indexOf('\t');
            if (tab > 0) {
                try {
                    out.add(new RunningProcess(Long.parseLong(line.substring(0, tab)), line.substring(tab + 1)));
                } catch (NumberFormatException e) {
                    // not a process line: skipped
                }
            }
        }
        return out;
    }

    static String joinPids(Collection<Long> pids) {
        return pids.stream().map(String::valueOf).collect(Collectors.joining(","));
    }
}
