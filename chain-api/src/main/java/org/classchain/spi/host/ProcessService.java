package org.classchain.spi.host;

import java.util.List;
import java.util.Objects;

/**
 * The processes of the user the peer runs as. Thread-safe. Never lists or ends the peer's own
 * process.
 */
public interface ProcessService {

    /**
     * A running process.
     *
     * @param pid its process id
     * @param command the file name of its executable without folders ({@code firefox},
     *     {@code chrome.exe}); never null
     */
    record RunningProcess(long pid, String command) {
        /** Checks the command is present. */
        public RunningProcess {
            Objects.requireNonNull(command, "command");
        }
    }

    /** The processes of the current user whose executable is known, in no particular order. */
    List<RunningProcess> processes();

    /**
     * Asks process {@code pid} to end (SIGTERM where there are signals).
     *
     * @return whether the request was delivered; false when the process is gone or not ours
     */
    boolean end(long pid);

    /**
     * Ends process {@code pid} forcibly (SIGKILL where there are signals).
     *
     * @return whether the request was delivered; false when the process is gone or not ours
     */
    boolean kill(long pid);

    /** Whether process {@code pid} is still running. */
    boolean isAlive(long pid);
}
