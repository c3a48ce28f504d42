package org.classchain.mods;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.classchain.spi.host.ProcessService;

/** A process table in memory: processes end on request unless told to ignore it. */
final class FakeProcesses implements ProcessService {
    private final Map<Long, String> running = new LinkedHashMap<>();
    final Set<Long> ignoreEnd = new HashSet<>();
    final Set<Long> ignoreKill = new HashSet<>();
    final List<Long> ended = new ArrayList<>();
    final List<Long> killed = new ArrayList<>();

    FakeProcesses run(long pid, String command) {
        running.put(pid, command);
        return this;
    }

    @Override
    public synchronized List<RunningProcess> processes() {
        return running.entrySet().stream().map(e -> new RunningProcess(e.getKey(), e.getValue())).toList();
    }

    @Override
    public synchronized boolean end(long pid) {
        ended.add(pid);
        if (!running.containsKey(pid)) {
            return false;
        }
        if (!ignoreEnd.contains(pid)) {
            running.remove(pid);
        }
        return true;
    }

    @Override
    public synchronized boolean kill(long pid) {
        killed.add(pid);
        if (!running.containsKey(pid)) {
            return false;
        }
        if (!ignoreKill.contains(pid)) {
            running.remove(pid);
        }
        return true;
    }

    @Override
    public synchronized boolean isAlive(long pid) {
        return running.containsKey(pid);
    }
}
