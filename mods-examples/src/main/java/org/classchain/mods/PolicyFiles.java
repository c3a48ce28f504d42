package org.classchain.mods;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * The policy files the {@link WebLimitsModule} changes, and how each was before: the first time
 * limits go on, every file's bytes (or its absence) and permissions, and the folders that had to
 * be created, are kept in {@code web-limits.json} of the state folder, fsynced, before any policy
 * file is written; later limits keep that record; lifting writes every file back as it was (or
 * removes it), removes the folders created, then the record. Every file is replaced by a rename
 * of a fsynced temporary file, so a browser never reads half a policy. Not thread-safe (a module
 * runs one command at a time). Where the folder may not be written but the file may (the system
 * service's package gives its user the policy files, not their folders), the file is rewritten in
 * place and fsynced instead.
 */
final class PolicyFiles {

    /** The record of the files as they were, in the state folder. */
    static final String RECORD = "web-limits.json";
    /** The largest file kept (a policies.json is a few KiB). */
    static final int MAX_FILE = 1 << 20;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Set<PosixFilePermission> READABLE = PosixFilePermissions.fromString("rw-r--r--");
    private static final Set<PosixFilePermission> FOLDER = PosixFilePermissions.fromString("rwxr-xr-x");

    /** How one file was before the limits, and the folders created for it. */
    record Before(Path file, byte[] content, String permissions) {
        boolean existed() {
            return content != null;
        }
    }

    private final Path record;
    private final Predicate<Path> writableDir;
    private final Map<Path, Before> before = new LinkedHashMap<>();
    private final List<Path> createdDirs = new ArrayList<>();
    private boolean stored;

    private PolicyFiles(Path stateDir, Predicate<Path> writableDir) {
        this.record = stateDir.resolve(RECORD);
        this.writableDir = writableDir;
    }

    /**
     * The record in {@code stateDir}, or an empty one when no limits are on.
     *
     * @param writableDir whether a folder may be written (a new file, a rename in it)
     */
    static PolicyFiles load(Path stateDir, Predicate<Path> writableDir) throws IOException {
        PolicyFiles p = new PolicyFiles(stateDir, writableDir);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(p.record);
        } catch (NoSuchFileException e) {
            return p;
        }
        JsonNode root = JSON.readTree(bytes);
        for (JsonNode f : root.path("files")) {
            String content = f.path("content").isNull() || f.path("content").isMissingNode() ? null : f.path("content").asText();
            p.before.put(Path.of(f.path("path").asText()), new Before(Path.of(f.path("path").asText()),
                    content == null ? null : Base64.getDecoder().decode(content),
                    f.path("permissions").isTextual() ? f.path("permissions").asText() : null));
        }
        root.path("createdDirs").forEach(d -> p.createdDirs.add(Path.of(d.asText())));
        p.stored = true;
        return p;
    }

    /** Whether limits are on: a record is kept. */
    boolean on() {
        return stored;
    }

    /** The files the record keeps. */
    List<Path> files() {
        return List.copyOf(before.keySet());
    }

    /** The bytes {@code file} had before the limits, or null when it did not exist; for files not recorded, as it is now. */
    byte[] original(Path file) throws IOException {
        Before b = before.get(file);
        return b != null ? b.content() : readNow(file);
    }

    /** Records how {@code file} is now, and the folders missing above it, unless it is recorded already. */
    void remember(Path file) throws IOException {
        if (before.containsKey(file)) {
            return;
        }
        byte[] content = readNow(file);
        String permissions = content == null ? null
                : PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
        before.put(file, new Before(file, content, permissions));
        List<Path> missing = new ArrayList<>();
        for (Path d = file.getParent(); d != null && !Files.exists(d); d = d.getParent()) {
            missing.add(0, d);
        }
        missing.stream().filter(d -> !createdDirs.contains(d)).forEach(createdDirs::add);
    }

    private static byte[] readNow(Path file) throws IOException {
        try {
            if (Files.size(file) > MAX_FILE) {
                throw new IOException(file + " is larger than " + MAX_FILE + " bytes; left as it is");
            }
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** Keeps the record (fsynced) before any policy file changes. */
    void store() throws IOException {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode files = root.putArray("files");
        for (Before b : before.values()) {
            ObjectNode f = files.addObject();
            f.put("path", b.file().toString());
            f.put("content", b.existed() ? Base64.getEncoder().encodeToString(b.content()) : null);
            f.put("permissions", b.permissions());
        }
        ArrayNode dirs = root.putArray("createdDirs");
        createdDirs.forEach(d -> dirs.add(d.toString()));
        Files.createDirectories(record.getParent());
        replace(record, JSON.writeValueAsBytes(root), record.getParent(), null, true);
        stored = true;
    }

    /** Writes a policy file (its folders created as recorded), readable by every user as browsers need. */
    void write(Path file, byte[] content) throws IOException {
        for (Path d : createdDirs) {
            if (file.startsWith(d) && !Files.isDirectory(d)) {
                Files.createDirectory(d);
                Files.setPosixFilePermissions(d, FOLDER);
            }
        }
        Files.createDirectories(file.getParent());
        replace(file, content, tempDirFor(file), READABLE, writableDir.test(tempDirFor(file)));
    }

    /**
     * Puts every recorded file back as it was (removed when it did not exist), removes the folders
     * created while they are empty, then the record.
     */
    void restore() throws IOException {
        for (Before b : before.values()) {
            if (b.existed()) {
                Files.createDirectories(b.file().getParent());
                replace(b.file(), b.content(), tempDirFor(b.file()), b.permissions() == null ? READABLE
                        : PosixFilePermissions.fromString(b.permissions()), writableDir.test(tempDirFor(b.file())));
            } else {
                Files.deleteIfExists(b.file());
            }
        }
        for (int i = createdDirs.size() - 1; i >= 0; i--) {
            Path d = createdDirs.get(i);
            try (var entries = Files.list(d)) {
                if (entries.findAny().isEmpty()) {
                    Files.delete(d);
                }
            } catch (NoSuchFileException e) {
                // already gone
            }
        }
        Files.deleteIfExists(record);
        before.clear();
        createdDirs.clear();
        stored = false;
    }

    /**
     * The temporary file goes one folder up from a Chromium-family managed folder (every file in
     * it is read as a policy) and beside a {@code policies.json} (only that name is read).
     */
    private static Path tempDirFor(Path file) {
        Path dir = file.getParent();
        return file.getFileName().toString().equals("policies.json") || dir.getParent() == null ? dir : dir.getParent();
    }

    /**
     * Replaces {@code file} by a rename of a fsynced temporary file in {@code tempDir}, then fsyncs
     * the folder; when {@code byRename} is false (the folder may not be written), rewrites the
     * existing file in place and fsyncs it.
     */
    private static void replace(Path file, byte[] content, Path tempDir, Set<PosixFilePermission> permissions,
                                boolean byRename) throws IOException {
        if (!byRename && Files.exists(file)) {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(java.nio.ByteBuffer.wrap(content));
                ch.force(true);
            }
            return;
        }
        Path temp = tempDir.resolve(".classchain-" + UUID.randomUUID() + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ch.write(java.nio.ByteBuffer.wrap(content));
                ch.force(true);
            }
            if (permissions != null) {
                Files.setPosixFilePermissions(temp, permissions);
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
        try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            // some file systems cannot sync a folder; the rename itself is atomic
        }
    }
}
