package org.classchain.mods;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.classchain.Command;
import org.classchain.mods.host.FolderInbox;
import org.classchain.spi.ArgumentSpec;
import org.classchain.spi.ArgumentType;
import org.classchain.spi.CommandModule;
import org.classchain.spi.ModuleContext;
import org.classchain.spi.Outcome;
import org.classchain.spi.host.InboxService;

/**
 * {@code send-file}: puts a small file (at most {@value #MAX_BYTES} bytes) into the peer's inbox
 * folder after checking its SHA-256. The name must be a plain file name: no folders, no
 * {@code ..}, no control characters, not hidden, not a Windows device name; an existing file is
 * never overwritten, the new one is saved as {@code name (2).ext} and so on. The file appears
 * complete or not at all. Uses the peer's {@link InboxService}, else {@link FolderInbox#inHome()};
 * works the same with or without a display.
 */
public final class SendFileModule implements CommandModule {
    /** The largest file it takes, in bytes (256 KiB). */
    public static final int MAX_BYTES = 256 * 1024;
    static final int MAX_NAME_CHARS = 120;
    static final int MAX_NAME_BYTES = 200;
    private static final int MAX_COPIES = 100;
    private static final int MAX_ENCODED = 4 * ((MAX_BYTES + 2) / 3);
    private static final String WINDOWS_FORBIDDEN = "<>:\"/\\|?*";
    private static final Set<String> WINDOWS_DEVICES = Set.of("con", "prn", "aux", "nul",
            "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8", "com9",
            "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9");

    /** A module with nothing to configure: what {@link java.util.ServiceLoader} creates. */
    public SendFileModule() {
    }

    @Override
    public String name() {
        return "send-file";
    }

    @Override
    public String description() {
        return "Put a small file into the students' inbox folder";
    }

    @Override
    public List<ArgumentSpec> arguments() {
        return List.of(
                ArgumentSpec.required("name", ArgumentType.STRING, "the file name, without folders"),
                ArgumentSpec.required("content", ArgumentType.BASE64, "the file, base64, at most 256 KiB decoded"),
                ArgumentSpec.required("sha256", ArgumentType.SHA256, "SHA-256 of the file, hex"));
    }

    @Override
    public String apiVersion() {
        return API_VERSION;
    }

    @Override
    public Outcome execute(ModuleContext context, Command command) throws IOException {
        String name = argument(command, "name");
        String content = argument(command, "content");
        Optional<String> badName = nameProblem(name);
        if (badName.isPresent()) {
            return Outcome.failed("refused file name: " + badName.get());
        }
        if (content.length() > MAX_ENCODED) {
            return Outcome.failed("the file is larger than " + MAX_BYTES / 1024 + " KiB");
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(content);
        } catch (IllegalArgumentException e) {
            return Outcome.failed("argument 'content' is not base64");
        }
        if (bytes.length > MAX_BYTES) {
            return Outcome.failed("the file is larger than " + MAX_BYTES / 1024 + " KiB");
        }
        byte[] expected;
        try {
            expected = HexFormat.of().parseHex(argument(command, "sha256").trim());
        } catch (IllegalArgumentException e) {
            return Outcome.failed("argument 'sha256' is not hex");
        }
        if (!MessageDigest.isEqual(sha256(bytes), expected)) {
            return Outcome.failed("checksum mismatch: the content's SHA-256 is not the one given; nothing saved");
        }
        Path inbox = context.service(InboxService.class).orElseGet(FolderInbox::inHome).inbox();
        Path saved = save(inbox, name, bytes);
        return Outcome.executed("saved " + saved + " (" + bytes.length + " bytes)");
    }

    /** Why {@code name} cannot be a file in the inbox, or empty when it can. */
    static Optional<String> nameProblem(String name) {
        if (name.isEmpty()) {
            return Optional.of("the name is empty");
        }
        if (name.length() > MAX_NAME_CHARS || name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            return Optional.of("the name is longer than " + MAX_NAME_CHARS + " characters");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isISOControl(c)) {
                return Optional.of("the name contains a control character");
            }
            int type = Character.getType(c);
            if (type == Character.FORMAT || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR) {
                return Optional.of("the name contains an invisible or line-breaking character (U+"
                        + String.format("%04X", (int) c) + ")");
            }
            if (c == '/' || c == '\\') {
                return Optional.of("the name contains a folder separator: give a file name only");
            }
            if (WINDOWS_FORBIDDEN.indexOf(c) >= 0) {
                return Optional.of("the name contains '" + c + "', not allowed in file names");
            }
        }
        if (name.contains("..")) {
            return Optional.of("the name contains '..'");
        }
        if (name.startsWith(".")) {
            return Optional.of("the name starts with a dot (a hidden file)");
        }
        if (!name.strip().equals(name)) {
            return Optional.of("the name starts or ends with a space");
        }
        if (name.endsWith(".")) {
            return Optional.of("the name ends with a dot");
        }
        String stem = name.toLowerCase(Locale.ROOT);
        int dot = stem.indexOf('.');
        if (WINDOWS_DEVICES.contains((dot < 0 ? stem : stem.substring(0, dot)).strip())) {
            return Optional.of("the name is a Windows device name");
        }
        return Optional.empty();
    }

    /**
     * Writes {@code bytes} into {@code inbox} as {@code name}, or {@code name (2)} and so on when
     * taken: to a hidden temporary file first, then linked (or moved) into place without replacing.
     */
    private static Path save(Path inbox, String name, byte[] bytes) throws IOException {
        Files.createDirectories(inbox);
        Path folder = inbox.toRealPath();
        Path part = Files.createTempFile(folder, ".classchain-", ".part");
        try {
            try (FileChannel out = FileChannel.open(part, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
                out.force(true);
            }
            boolean links = true;
            int copy = 1;
            while (copy <= MAX_COPIES) {
                String candidateName = numbered(name, copy);
                Path target = folder.resolve(candidateName);
                if (!folder.equals(target.getParent()) || !candidateName.equals(target.getFileName().toString())) {
                    throw new IOException("refused file name: it does not stay inside the inbox");
                }
                try {
                    if (links) {
                        Files.createLink(target, part); // fails if the name is taken: never overwrites
                    } else {
                        Files.move(part, target); // no REPLACE_EXISTING: fails if the name is taken
                    }
                    return target;
                } catch (FileAlreadyExistsException taken) {
                    copy++;
                } catch (UnsupportedOperationException | IOException noLinks) {
                    if (!links) {
                        throw noLinks;
                    }
                    links = false; // a file system without hard links: move instead
                }
            }
            throw new IOException("the inbox already holds " + MAX_COPIES + " files named like '" + name + "'");
        } finally {
            Files.deleteIfExists(part);
        }
    }

    /** {@code report.pdf}, {@code report (2).pdf}, {@code report (3).pdf}... */
    static String numbered(String name, int copy) {
        if (copy == 1) {
            return name;
        }
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        String ext = dot > 0 ? name.substring(dot) : "";
        return stem + " (" + copy + ")" + ext;
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
