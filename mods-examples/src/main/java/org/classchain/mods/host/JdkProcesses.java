package org.classchain.mods.host;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.classchain.spi.host.ProcessService;

/**
 * The process table as the JDK sees it through {@link ProcessHandle}: the processes of the user
 * this JVM runs as, except this JVM itself. Ending is {@link ProcessHandle#destroy()} (SIGTERM
 * on Unix) and killing {@link ProcessHandle#destroyForcibly()} (SIGKILL); on Windows both
 * terminate the process. On Linux a zombie ({@code /proc/PID/stat} state Z) is not alive, and a
 * process's executable is read through {@code /proc/PID/exe} (the file it runs, even renamed or
 * copied), with its ELF build id (the same in a copy with bytes appended); windows are found
 * by their {@code WM_CLASS} through {@link X11Windows}. Digests are cached by file, size and
 * modification time. Thread-safe.
 */
public final class JdkProcesses implements ProcessService {
    private static final String DELETED = " (deleted)";
    /** Where browsers put their programs behind the launcher on the PATH (Linux). */
    private static final List<String> PROGRAM_FOLDERS = List.of("/usr/lib/%s", "/usr/lib64/%s", "/opt/%s",
            "/usr/lib/%s-browser", "/opt/google/%s", "/snap/%s/current/usr/lib/%s");
    private static final int MAX_LAUNCHER_BYTES = 64 * 1024;
    /** How a build id is named among a program's identities. */
    static final String BUILD_ID = "elf-build-id:";

    private final Map<String, String> digests = new ConcurrentHashMap<>(); // "path|size|mtime" to SHA-256

    /** The process table of the user this JVM runs as. */
    public JdkProcesses() {
    }

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
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && !isZombie(pid);
    }

    @Override
    public Optional<String> executableDigest(long pid) {
        Path exe = Path.of("/proc", Long.toString(pid), "exe");
        try {
            return Optional.of(digest(exe.toRealPath(), exe));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // gone, not ours, or not Linux
        }
    }

    @Override
    public Set<String> executableIdentities(long pid) {
        Path exe = Path.of("/proc", Long.toString(pid), "exe");
        try {
            return identities(exe.toRealPath(), exe);
        } catch (IOException | RuntimeException e) {
            return Set.of(); // gone, not ours, or not Linux
        }
    }

    @Override
    public Set<String> installedIdentities(String name) {
        Set<String> found = new LinkedHashSet<>();
        installed(name).forEach(program -> found.addAll(readable(program, () -> identities(program.toRealPath(), program))));
        return found;
    }

    /** What {@code read} says of an installed program, or nothing when it cannot be read. */
    private static Set<String> readable(Path program, java.util.concurrent.Callable<Set<String>> read) {
        try {
            return read.call();
        } catch (Exception e) {
            return Set.of(); // unreadable: not counted
        }
    }

    @Override
    public Optional<Long> parentOf(long pid) {
        return ProcessHandle.of(pid).flatMap(ProcessHandle::parent).map(ProcessHandle::pid);
    }

    @Override
    public Set<Long> windowOwners(Set<String> classes) {
        return X11Windows.owners(classes);
    }

    /** The digest and, for an ELF file, its build id (which survives bytes appended to a copy). */
    private Set<String> identities(Path real, Path open) throws IOException {
        Set<String> ids = new LinkedHashSet<>();
        ids.add(digest(real, open));
        ElfBuildId.of(open).ifPresent(id -> ids.add(BUILD_ID + id));
        return ids;
    }

    @Override
    public Set<String> installedDigests(String name) {
        Set<String> found = new LinkedHashSet<>();
        installed(name).forEach(program -> found.addAll(readable(program, () -> Set.of(digest(program.toRealPath(), program)))));
        return found;
    }

    /** The programs installed under {@code name}: on the PATH and in browsers' folders, launchers followed. */
    private static Set<Path> installed(String name) {
        Set<Path> candidates = new LinkedHashSet<>();
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty()) {
                candidates.add(Path.of(dir, name));
            }
        }
        for (String folder : PROGRAM_FOLDERS) {
            Path dir = Path.of(folder.replace("%s", name));
            candidates.add(dir.resolve(name));
            candidates.add(dir.resolve(name + "-bin"));
        }
        Set<Path> found = new LinkedHashSet<>();
        for (Path candidate : candidates) {
            programOf(candidate).ifPresent(found::add);
        }
        return found;
    }

    /** The program {@code file} runs: itself when it is a binary, the program a launcher script names. */
    private static Optional<Path> programOf(Path file) {
        if (!Files.isRegularFile(file) || !Files.isExecutable(file)) {
            return Optional.empty();
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(MAX_LAUNCHER_BYTES);
            if (head.length < 2 || head[0] != '#' || head[1] != '!') {
                return Optional.of(file); // ELF, or whatever the system runs: itself
            }
            // a launcher (Debian's /usr/bin/chromium): the first absolute path in it that is a binary
            for (String word : new String(head, StandardCharsets.UTF_8).split("[\\s\"'=;:]+")) {
                if (word.startsWith("/") && !word.startsWith("/bin/") && !word.equals(file.toString())) {
                    Path target = Path.of(word);
                    if (Files.isRegularFile(target) && Files.isExecutable(target) && !isScript(target)) {
                        return Optional.of(target);
                    }
                }
            }
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static boolean isScript(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(2);
            return head.length == 2 && head[0] == '#' && head[1] == '!';
        }
    }

    private String digest(Path real, Path open) throws IOException {
        String key = real + "|" + Files.size(real) + "|" + Files.getLastModifiedTime(real).toMillis();
        String known = digests.get(key);
        if (known != null) {
            return known;
        }
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = Files.newInputStream(open)) {
            byte[] buffer = new byte[1 << 16];
            int n;
            while ((n = in.read(buffer)) > 0) {
                sha.update(buffer, 0, n);
            }
        }
        String hex = HexFormat.of().formatHex(sha.digest());
        digests.put(key, hex);
        return hex;
    }

    /** Linux: state Z in {@code /proc/PID/stat}, after the command's closing parenthesis. */
    private static boolean isZombie(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            int close = stat.lastIndexOf(')');
            return close > 0 && close + 2 < stat.length() && stat.charAt(close + 2) == 'Z';
        } catch (IOException | RuntimeException e) {
            return false; // not Linux, or gone: ProcessHandle decides
        }
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
