package org.classchain.mods.host;

import java.util.List;
import java.util.Optional;
import org.classchain.spi.host.ProcessService;

/**
 * The process table as the JDK sees it through {@link ProcessHandle}: the processes of the user
 * this JVM runs as, except this JVM itself. Ending is {@link ProcessHandle#destroy()} (SIGTERM
 * on Unix) and killing {@link ProcessHandle#destroyForcibly()} (SIGKILL); on Windows both
 * terminate the process. Stateless and thread-safe.
 */
public final class JdkProcesses implements ProcessService {
    private static final String DELETED = " (deleted)";

    @Override
    public List<RunningProcess> processes() {
        ProcessHandle self = ProcessHandle.current();
        Optional<String> user = self.info().user();
        if (user.isEmpty()) {
            return List.of(); // without knowing who we are we cannot tell whose a process is
        }
        return ProcessHandle.allProcesses()
                .filter(p -> p.pid() != self.pid())
                .flatMap(p -> {
                    ProcessHandle.Info info = p.info(); // one snapshot: user and command of the same process
                    return info.user().filter(user.get()::equals).flatMap(u -> info.command())
                            .map(c -> new RunningProcess(p.pid(), basename(c))).stream();
                })
                .toList();
    }

    @Override
    public boolean end(long pid) {
        return handle(pid).map(ProcessHandle::destroy).orElse(false);
    }

    @Override
    public boolean kill(long pid) {
        return handle(pid).map(ProcessHandle::destroyForcibly).orElse(false);
    }

    @Override
    public boolean isAlive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private static Optional<ProcessHandle> handle(long pid) {
        if (pid == ProcessHandle.current().pid()) {
            return Optional.empty();
        }
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    }

    /** {@code /usr/lib/firefox/firefox} and {@code C:\...\firefox.exe} to the last part. */
    static String basename(String command) {
        String s = command;
        if (s.endsWith(DELETED)) {
            s = s.substring(0, s.length() - DELETED.length()); // Linux, after the program was upgraded
        }
        int slash = Math.max(s.lastIndexOf('/'), s.lastIndexOf('\\'));
        return s.substring(slash + 1);
    }
}
