package org.classchain.spi.host;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

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
        /**
         * Checks the command is present.
         *
         * @param pid its process id
         * @param command never null
         */
        public RunningProcess {
            Objects.requireNonNull(command, "command");
        }
    }

    /** {@return the processes of the current user whose executable is known, in no particular order} */
    List<RunningProcess> processes();

    /**
     * Asks process {@code pid} to end (SIGTERM where there are signals).
     *
     * @param pid the process id
     * @return whether the request was delivered; false when the process is gone or not ours
     */
    boolean end(long pid);

    /**
     * Ends process {@code pid} forcibly (SIGKILL where there are signals).
     *
     * @param pid the process id
     * @return whether the request was delivered; false when the process is gone or not ours
     */
    boolean kill(long pid);

    /**
     * {@return whether process {@code pid} is still running; a zombie (ended, not yet reaped) is not}
     *
     * @param pid the process id
     */
    boolean isAlive(long pid);

    /**
     * What the program of process {@code pid} is, whatever its file is called: the SHA-256 (hex)
     * of its executable file. Empty when it cannot be read (the default).
     *
     * @param pid the process id
     * @return the digest, or empty
     */
    default Optional<String> executableDigest(long pid) {
        return Optional.empty();
    }

    /**
     * The SHA-256 (hex) of the executables installed on this computer under {@code name} (on the
     * PATH and in the folders browsers install to), launcher scripts followed to their program;
     * empty when none is found (the default).
     *
     * @param name an executable's name, {@code firefox} say
     * @return the digests, or none
     */
    default Set<String> installedDigests(String name) {
        return Set.of();
    }

    /**
     * Everything that says what the program of process {@code pid} is, whatever its file is
     * called or how it was altered: its {@link #executableDigest(long) digest} and, where the
     * platform has one, an identity that survives bytes appended to a copy (an ELF file's GNU build
     * id, as {@code elf-build-id:HEX}). Compared with {@link #installedIdentities(String)}. The
     * default is the digest alone.
     *
     * @param pid the process id
     * @return its identities, or none when it cannot be read
     */
    default Set<String> executableIdentities(long pid) {
        return executableDigest(pid).map(Set::of).orElse(Set.of());
    }

    /**
     * The identities (as {@link #executableIdentities(long)} gives them) of the executables
     * installed under {@code name}. The default is {@link #installedDigests(String)}.
     *
     * @param name an executable's name, {@code firefox} say
     * @return the identities, or none
     */
    default Set<String> installedIdentities(String name) {
        return installedDigests(name);
    }

    /**
     * The parent of process {@code pid}, to find the helpers a program started (a browser's
     * renderers). Empty when unknown (the default).
     *
     * @param pid the process id
     * @return the parent's process id, or empty
     */
    default Optional<Long> parentOf(long pid) {
        return Optional.empty();
    }

    /**
     * The processes of this user with a window on the display whose class or instance name
     * ({@code WM_CLASS} on X11), ignoring case, is one of {@code classes}: a program known by its
     * windows whatever its file is called (Firefox's windows say {@code firefox} under any file
     * name). None where there is no display or no way to ask it (the default).
     *
     * @param classes lower-case window class names
     * @return the owners' process ids
     */
    default Set<Long> windowOwners(Set<String> classes) {
        return Set.of();
    }
}
